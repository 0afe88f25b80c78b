-- Up Migration
-- One model scrape: progress is written after every page, so status is visible without Temporal.
CREATE TABLE scrape_runs (
  id               BIGSERIAL PRIMARY KEY,
  make             TEXT NOT NULL,
  model            TEXT NOT NULL,
  workflow_id      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  pages            INTEGER NOT NULL DEFAULT 0,
  listings_seen    INTEGER NOT NULL DEFAULT 0,
  listings_new     INTEGER NOT NULL DEFAULT 0,
  listings_updated INTEGER NOT NULL DEFAULT 0,
  rejected_cards   INTEGER NOT NULL DEFAULT 0,
  max_results      INTEGER,
  stop_reason      TEXT,
  errors           TEXT[] NOT NULL DEFAULT '{}',
  screenshot_paths TEXT[] NOT NULL DEFAULT '{}',
  deals_analysed   INTEGER,
  started_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at      TIMESTAMPTZ
);
CREATE INDEX scrape_runs_model_idx ON scrape_runs (make, model, started_at DESC);
CREATE INDEX scrape_runs_running_idx ON scrape_runs (status) WHERE status = 'running';
CREATE INDEX scrape_runs_started_idx ON scrape_runs (started_at DESC);

-- Every organic advert ever seen, keyed by AutoTrader's advert id.
CREATE TABLE listings (
  advert_id          TEXT PRIMARY KEY,
  make               TEXT NOT NULL,
  model              TEXT NOT NULL,
  title              TEXT NOT NULL,
  subtitle           TEXT,
  year               INTEGER,
  plate              TEXT,
  mileage            INTEGER,
  price              INTEGER NOT NULL CHECK (price > 0),
  seller_type        TEXT NOT NULL CHECK (seller_type IN ('private', 'trade')),
  dealer_name        TEXT,
  dealer_rating      NUMERIC(2, 1),
  location           TEXT,
  distance_miles     INTEGER,
  url                TEXT NOT NULL,
  price_indicator    TEXT,
  attention_grabber  TEXT,
  first_seen         TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen          TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_scrape_run_id BIGINT REFERENCES scrape_runs (id) ON DELETE SET NULL
);
CREATE INDEX listings_model_idx ON listings (make, model);
CREATE INDEX listings_run_idx ON listings (last_scrape_run_id);

-- The first price seen and every change after it.
CREATE TABLE listing_price_history (
  id          BIGSERIAL PRIMARY KEY,
  advert_id   TEXT NOT NULL REFERENCES listings (advert_id) ON DELETE CASCADE,
  price       INTEGER NOT NULL,
  observed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX listing_price_history_advert_idx ON listing_price_history (advert_id, observed_at);

-- The latest valuation of each listing that had enough similar cars.
CREATE TABLE deals (
  advert_id       TEXT PRIMARY KEY REFERENCES listings (advert_id) ON DELETE CASCADE,
  make            TEXT NOT NULL,
  model           TEXT NOT NULL,
  price           INTEGER NOT NULL,
  estimated_value INTEGER NOT NULL,
  profit_margin   NUMERIC(8, 4) NOT NULL,
  rating          TEXT NOT NULL CHECK (rating IN ('excellent', 'good', 'negotiation', 'reject')),
  sample_size     INTEGER NOT NULL,
  confidence      NUMERIC(4, 3) NOT NULL,
  sample_summary  JSONB NOT NULL,
  analysed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX deals_rating_idx ON deals (rating, profit_margin DESC);
CREATE INDEX deals_model_idx ON deals (make, model);

CREATE TABLE market_summaries (
  make          TEXT NOT NULL,
  model         TEXT NOT NULL,
  sample_size   INTEGER NOT NULL,
  min_price     INTEGER,
  max_price     INTEGER,
  median_price  NUMERIC(10, 1),
  trend         TEXT NOT NULL,
  trend_pct     NUMERIC(8, 4),
  confidence    NUMERIC(4, 3) NOT NULL,
  analysed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (make, model)
);

-- A listing above the alert margin; once per advert and price, so a re-scrape does not repeat it.
CREATE TABLE deal_alerts (
  id              BIGSERIAL PRIMARY KEY,
  advert_id       TEXT NOT NULL REFERENCES listings (advert_id) ON DELETE CASCADE,
  make            TEXT NOT NULL,
  model           TEXT NOT NULL,
  price           INTEGER NOT NULL,
  estimated_value INTEGER NOT NULL,
  profit_margin   NUMERIC(8, 4) NOT NULL,
  webhook_status  TEXT NOT NULL DEFAULT 'not_configured',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (advert_id, price)
);
CREATE INDEX deal_alerts_created_idx ON deal_alerts (created_at DESC);

-- Down Migration
DROP TABLE deal_alerts;
DROP TABLE market_summaries;
DROP TABLE deals;
DROP TABLE listing_price_history;
DROP TABLE listings;
DROP TABLE scrape_runs;
