-- Up Migration
-- Issue 14. A deal keeps two values: estimated_value, the point estimate of fair value (before this
-- it held the lower bound), and conservative_value, a lower bound at confidence_level, which the
-- margin and rating use. Rows valued before keep their lower bound as conservative_value and get
-- the fitted value their sample summary recorded as estimated_value.
ALTER TABLE deals
  ADD COLUMN conservative_value INTEGER,
  ADD COLUMN confidence_level   NUMERIC(4, 3),
  ADD COLUMN low_confidence     BOOLEAN NOT NULL DEFAULT false;
UPDATE deals SET conservative_value = estimated_value, confidence_level = 0.95,
                 estimated_value = COALESCE(round((sample_summary ->> 'fittedValue')::numeric)::int, estimated_value);
ALTER TABLE deals ALTER COLUMN conservative_value SET NOT NULL, ALTER COLUMN confidence_level SET NOT NULL;

-- Alerts of several kinds share the outbox: 'deal' (a listing above the alert margin, as before),
-- 'price_drop' (a listing seen before, now cheaper), 'median_shift' (a model's median price moved
-- between days), 'scrape_shortfall' (a scrape found far fewer listings than usual). alert_key makes
-- each one once: advert and price for the first two, model and day, or the run. Alerts raised
-- before this have no point estimate: their estimated_value is the lower bound they were raised on.
ALTER TABLE deal_alerts
  ADD COLUMN kind               TEXT NOT NULL DEFAULT 'deal',
  ADD COLUMN alert_key          TEXT,
  ADD COLUMN conservative_value INTEGER,
  ADD COLUMN previous_price     INTEGER,
  ADD COLUMN details            JSONB;
UPDATE deal_alerts SET alert_key = advert_id || ':' || price, conservative_value = estimated_value;
ALTER TABLE deal_alerts
  ALTER COLUMN alert_key SET NOT NULL,
  ALTER COLUMN advert_id DROP NOT NULL,
  ALTER COLUMN price DROP NOT NULL,
  ALTER COLUMN estimated_value DROP NOT NULL,
  ALTER COLUMN profit_margin DROP NOT NULL,
  DROP CONSTRAINT deal_alerts_advert_id_price_key,
  ADD CONSTRAINT deal_alerts_kind_check CHECK (kind IN ('deal', 'price_drop', 'median_shift', 'scrape_shortfall')),
  ADD CONSTRAINT deal_alerts_kind_alert_key_key UNIQUE (kind, alert_key);
-- GET /api/alerts?kind=…, newest first.
CREATE INDEX deal_alerts_kind_created_idx ON deal_alerts (kind, created_at DESC, id DESC);

-- One row per model and day it was analysed: the market's daily median and size, for trends and shift alerts.
CREATE TABLE market_daily (
  make         TEXT NOT NULL,
  model        TEXT NOT NULL,
  day          DATE NOT NULL,
  listings     INTEGER NOT NULL,
  median_price NUMERIC(10, 1),
  PRIMARY KEY (make, model, day)
);

-- The market summary: trend_pct becomes the slope of the daily median (relative change per 30 days); it
-- gains the days of history behind it, median price by age band and days on market.
ALTER TABLE market_summaries
  ADD COLUMN trend_days             INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN age_bands              JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN median_days_on_market  NUMERIC(8, 1),
  ADD COLUMN listings_gone          INTEGER NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE market_summaries DROP COLUMN listings_gone, DROP COLUMN median_days_on_market, DROP COLUMN age_bands, DROP COLUMN trend_days;
DROP TABLE market_daily;
DROP INDEX deal_alerts_kind_created_idx;
DELETE FROM deal_alerts WHERE kind <> 'deal';
ALTER TABLE deal_alerts DROP CONSTRAINT deal_alerts_kind_alert_key_key, DROP CONSTRAINT deal_alerts_kind_check,
  ADD CONSTRAINT deal_alerts_advert_id_price_key UNIQUE (advert_id, price),
  ALTER COLUMN advert_id SET NOT NULL, ALTER COLUMN price SET NOT NULL,
  ALTER COLUMN profit_margin SET NOT NULL;
UPDATE deal_alerts SET estimated_value = conservative_value;
ALTER TABLE deal_alerts ALTER COLUMN estimated_value SET NOT NULL,
  DROP COLUMN details, DROP COLUMN previous_price, DROP COLUMN conservative_value, DROP COLUMN alert_key, DROP COLUMN kind;
UPDATE deals SET estimated_value = conservative_value;
ALTER TABLE deals DROP COLUMN low_confidence, DROP COLUMN confidence_level, DROP COLUMN conservative_value;
