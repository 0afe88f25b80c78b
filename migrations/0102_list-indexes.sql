-- Up Migration
-- Issue 11: each list endpoint's first page is read in order from an index and stops at the page's end.
-- Every index ends with the sort's tie-breaker (id), so no sort step is left even among equal keys; the
-- (county, tier) indexes gain the score so they serve the filtered list too and stay useful for lookups.
DROP INDEX permits_county_opened_idx;
CREATE INDEX permits_county_opened_idx ON permits (county_id, opened_date DESC, id DESC);
CREATE INDEX permits_opened_idx ON permits (opened_date DESC, id DESC);

CREATE INDEX properties_score_idx ON properties (lead_score DESC NULLS LAST, id);
CREATE INDEX properties_county_score_idx ON properties (county_id, lead_score DESC NULLS LAST, id);
DROP INDEX properties_county_tier_idx;
CREATE INDEX properties_county_tier_idx ON properties (county_id, lead_tier, lead_score DESC NULLS LAST, id);

CREATE INDEX leads_score_idx ON leads (score DESC, id);
CREATE INDEX leads_county_score_idx ON leads (county_id, score DESC, id);
DROP INDEX leads_county_tier_idx;
CREATE INDEX leads_county_tier_idx ON leads (county_id, tier, score DESC, id);

-- Down Migration
DROP INDEX leads_county_tier_idx;
CREATE INDEX leads_county_tier_idx ON leads (county_id, tier);
DROP INDEX leads_county_score_idx;
DROP INDEX leads_score_idx;
DROP INDEX properties_county_tier_idx;
CREATE INDEX properties_county_tier_idx ON properties (county_id, lead_tier);
DROP INDEX properties_county_score_idx;
DROP INDEX properties_score_idx;
DROP INDEX permits_opened_idx;
DROP INDEX permits_county_opened_idx;
CREATE INDEX permits_county_opened_idx ON permits (county_id, opened_date DESC);
