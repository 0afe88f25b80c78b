-- Up Migration
-- CEPiK vehicles, one row per technical id; upserts refresh the attributes, raw keeps everything the API sent.
CREATE TABLE vehicle_registrations (
  id                      TEXT PRIMARY KEY,          -- CEPiK technical id (14–16 digits), not a VIN
  brand                   TEXT,                      -- marka; null for brands outside the dictionary
  model                   TEXT,
  vehicle_kind            TEXT,                      -- rodzaj-pojazdu
  origin                  TEXT,                      -- pochodzenie-pojazdu
  production_year         TEXT,                      -- rok-produkcji, a string in the API
  first_registration_date DATE NOT NULL,             -- data-pierwszej-rejestracji-w-kraju
  fuel                    TEXT,                      -- rodzaj-paliwa
  engine_capacity         DOUBLE PRECISION,          -- pojemnosc-skokowa-silnika (cm³; sometimes fractional)
  voivodeship_code        TEXT NOT NULL,             -- wojewodztwo-kod
  raw                     JSONB NOT NULL,
  first_seen_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX vehicle_registrations_region_brand_date_idx
  ON vehicle_registrations (voivodeship_code, brand, first_registration_date);

-- Which vehicles one report run received per requested brand: distinct ids across pages, parts and retries.
CREATE TABLE registration_pull_members (
  pull_run   TEXT NOT NULL,                          -- the report workflow's run id
  brand      TEXT NOT NULL,                          -- the brand asked for (filter[marka])
  vehicle_id TEXT NOT NULL REFERENCES vehicle_registrations (id) ON DELETE CASCADE,
  PRIMARY KEY (pull_run, brand, vehicle_id)
);

CREATE TABLE lease_expiry_reports (
  id            BIGSERIAL PRIMARY KEY,
  region_code   TEXT NOT NULL,
  region_name   TEXT NOT NULL,
  months_back   INTEGER NOT NULL,
  window_months INTEGER NOT NULL,
  window_from   DATE NOT NULL,
  window_to     DATE NOT NULL,
  brands        TEXT[] NOT NULL,                     -- sorted, so equal requests share cached reports
  counts        JSONB NOT NULL DEFAULT '{}',         -- {"BMW": 123, …}
  total         INTEGER NOT NULL DEFAULT 0,
  score         INTEGER,
  urgency       TEXT,
  insight       TEXT,
  status        TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
  error         TEXT,
  workflow_id   TEXT NOT NULL,
  pull_run      TEXT NOT NULL UNIQUE,                -- makes saving a run's report idempotent
  fetched_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX lease_expiry_reports_lookup_idx
  ON lease_expiry_reports (region_code, months_back, window_months, brands, fetched_at DESC)
  WHERE status = 'complete';

-- Down Migration
DROP TABLE lease_expiry_reports;
DROP TABLE registration_pull_members;
DROP TABLE vehicle_registrations;
