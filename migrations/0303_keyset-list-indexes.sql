-- Up Migration
-- Issue 11, keyset pagination: deals sort by margin, then advert id, both descending, so that a page continues
-- with one row comparison `(profit_margin, advert_id) < (…)` starting an index range scan. Alerts already
-- have (created_at DESC, id DESC); scrape runs gain the id after their start time.
DROP INDEX deals_margin_idx;
DROP INDEX deals_rating_idx;
DROP INDEX deals_model_margin_idx;
CREATE INDEX deals_list_idx ON deals (profit_margin DESC, advert_id DESC);
CREATE INDEX deals_rating_list_idx ON deals (rating, profit_margin DESC, advert_id DESC);
CREATE INDEX deals_model_list_idx ON deals (lower(make), lower(model), profit_margin DESC, advert_id DESC);

DROP INDEX scrape_runs_started_idx;
CREATE INDEX scrape_runs_list_idx ON scrape_runs (started_at DESC, id DESC);
CREATE INDEX scrape_runs_model_list_idx ON scrape_runs (lower(make), lower(model), started_at DESC, id DESC);

-- Down Migration
DROP INDEX scrape_runs_model_list_idx;
DROP INDEX scrape_runs_list_idx;
CREATE INDEX scrape_runs_started_idx ON scrape_runs (started_at DESC);
DROP INDEX deals_model_list_idx;
DROP INDEX deals_rating_list_idx;
DROP INDEX deals_list_idx;
CREATE INDEX deals_model_margin_idx ON deals (lower(make), lower(model), profit_margin DESC, advert_id);
CREATE INDEX deals_rating_idx ON deals (rating, profit_margin DESC, advert_id);
CREATE INDEX deals_margin_idx ON deals (profit_margin DESC, advert_id);
