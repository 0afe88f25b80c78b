-- Up Migration
-- Issue 11, keyset pagination: every list sorts all its keys descending, ending with the id, so that a page
-- continues with one row comparison `(key, id) < (…)` that starts an index range scan. A nullable sort key
-- sorts as a stand-in below every value (a permit without an opened date, a property not scored), so the
-- comparison never meets a NULL; the indexes are on those same expressions.
DROP INDEX permits_opened_idx;
DROP INDEX permits_county_opened_idx;
CREATE INDEX permits_list_idx ON permits ((coalesce(opened_date, '-infinity'::timestamp)) DESC, id DESC);
CREATE INDEX permits_county_list_idx ON permits (county_id, (coalesce(opened_date, '-infinity'::timestamp)) DESC, id DESC);

DROP INDEX properties_score_idx;
DROP INDEX properties_county_score_idx;
DROP INDEX properties_county_tier_idx;
CREATE INDEX properties_list_idx ON properties ((coalesce(lead_score, -1)) DESC, id DESC);
CREATE INDEX properties_county_list_idx ON properties (county_id, (coalesce(lead_score, -1)) DESC, id DESC);
CREATE INDEX properties_county_tier_list_idx ON properties (county_id, lead_tier, (coalesce(lead_score, -1)) DESC, id DESC);

DROP INDEX leads_score_idx;
DROP INDEX leads_county_score_idx;
DROP INDEX leads_county_tier_idx;
CREATE INDEX leads_list_idx ON leads (score DESC, id DESC);
CREATE INDEX leads_county_list_idx ON leads (county_id, score DESC, id DESC);
CREATE INDEX leads_county_tier_list_idx ON leads (county_id, tier, score DESC, id DESC);
-- A rare sync status (failed) would otherwise be looked for along the whole score order.
CREATE INDEX leads_sync_status_list_idx ON leads (sync_status, score DESC, id DESC);

-- A county's jobs, newest first, by id.
CREATE INDEX permit_pull_jobs_county_list_idx ON permit_pull_jobs (county_id, id DESC);

-- Down Migration
DROP INDEX permit_pull_jobs_county_list_idx;
DROP INDEX leads_sync_status_list_idx;
DROP INDEX leads_county_tier_list_idx;
DROP INDEX leads_county_list_idx;
DROP INDEX leads_list_idx;
CREATE INDEX leads_county_tier_idx ON leads (county_id, tier, score DESC, id);
CREATE INDEX leads_county_score_idx ON leads (county_id, score DESC, id);
CREATE INDEX leads_score_idx ON leads (score DESC, id);
DROP INDEX properties_county_tier_list_idx;
DROP INDEX properties_county_list_idx;
DROP INDEX properties_list_idx;
CREATE INDEX properties_county_tier_idx ON properties (county_id, lead_tier, lead_score DESC NULLS LAST, id);
CREATE INDEX properties_county_score_idx ON properties (county_id, lead_score DESC NULLS LAST, id);
CREATE INDEX properties_score_idx ON properties (lead_score DESC NULLS LAST, id);
DROP INDEX permits_county_list_idx;
DROP INDEX permits_list_idx;
CREATE INDEX permits_county_opened_idx ON permits (county_id, opened_date DESC, id DESC);
CREATE INDEX permits_opened_idx ON permits (opened_date DESC, id DESC);
