-- Up Migration
-- Issue 11: the deals and alerts lists read their first page in order from an index. The deal filters
-- compare make and model case-insensitively, so that index is on lower(make), lower(model).
CREATE INDEX deals_margin_idx ON deals (profit_margin DESC, advert_id);
DROP INDEX deals_rating_idx;
CREATE INDEX deals_rating_idx ON deals (rating, profit_margin DESC, advert_id);
CREATE INDEX deals_model_margin_idx ON deals (lower(make), lower(model), profit_margin DESC, advert_id);
DROP INDEX deal_alerts_created_idx;
CREATE INDEX deal_alerts_created_idx ON deal_alerts (created_at DESC, id DESC);

-- Down Migration
DROP INDEX deal_alerts_created_idx;
CREATE INDEX deal_alerts_created_idx ON deal_alerts (created_at DESC);
DROP INDEX deals_model_margin_idx;
DROP INDEX deals_rating_idx;
CREATE INDEX deals_rating_idx ON deals (rating, profit_margin DESC);
DROP INDEX deals_margin_idx;
