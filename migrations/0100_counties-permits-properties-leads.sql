-- Up Migration
-- A county is one Accela agency Prospector pulls building permits from.
-- Secrets are AES-256-GCM sealed by the application (SecretBox); the clear values never reach this table.
CREATE TABLE counties (
  id                    BIGSERIAL PRIMARY KEY,
  name                  TEXT NOT NULL,
  agency_name           TEXT NOT NULL,
  environment           TEXT NOT NULL DEFAULT 'PROD' CHECK (environment IN ('PROD', 'TEST')),
  app_id                TEXT NOT NULL,
  app_secret_encrypted  TEXT NOT NULL,
  username              TEXT NOT NULL,
  password_encrypted    TEXT NOT NULL,
  permit_type           TEXT NOT NULL DEFAULT 'Building/Residential/Trade/Mechanical',
  module                TEXT NOT NULL DEFAULT 'Building',
  time_zone             TEXT NOT NULL DEFAULT 'America/New_York',
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX counties_agency_environment_idx ON counties (lower(agency_name), environment, permit_type);

-- What the Accela client last saw of the county's rate limit, and what it cost.
CREATE TABLE county_rate_limit_stats (
  county_id          BIGINT PRIMARY KEY REFERENCES counties (id) ON DELETE CASCADE,
  limit_per_window   INT,
  remaining          INT,
  reset_at           TIMESTAMPTZ,
  requests_made      BIGINT NOT NULL DEFAULT 0,
  throttled_count    BIGINT NOT NULL DEFAULT 0,
  wait_ms            BIGINT NOT NULL DEFAULT 0,
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One property per county and normalized address: the unit a lead is made of.
CREATE TABLE properties (
  id                       BIGSERIAL PRIMARY KEY,
  county_id                BIGINT NOT NULL REFERENCES counties (id) ON DELETE CASCADE,
  normalized_address       TEXT NOT NULL,
  address                  TEXT NOT NULL,
  city                     TEXT,
  state                    TEXT,
  postal_code              TEXT,
  owner_name               TEXT,
  owner_phone              TEXT,
  owner_email              TEXT,
  parcel_number            TEXT,
  land_value               NUMERIC,
  improved_value           NUMERIC,
  year_built               INT,
  latest_hvac_permit_date  DATE,
  hvac_age_years           NUMERIC,
  permit_count             INT NOT NULL DEFAULT 0,
  lead_score               INT CHECK (lead_score BETWEEN 0 AND 100),
  lead_tier                TEXT CHECK (lead_tier IN ('HOT', 'WARM', 'COOL', 'COLD')),
  created_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (county_id, normalized_address)
);
CREATE INDEX properties_county_tier_idx ON properties (county_id, lead_tier);

-- One row per county and Accela record id; `raw` is the record exactly as received (with its expansions).
CREATE TABLE permits (
  id                  BIGSERIAL PRIMARY KEY,
  county_id           BIGINT NOT NULL REFERENCES counties (id) ON DELETE CASCADE,
  record_id           TEXT NOT NULL,
  custom_id           TEXT,
  tracking_id         BIGINT,
  module              TEXT,
  type_path           TEXT,
  is_hvac             BOOLEAN NOT NULL DEFAULT false,
  status              TEXT,
  opened_date         TIMESTAMP,  -- agency-local, as Accela sends it (no offset)
  updated_date        TIMESTAMP,
  description         TEXT,
  address             TEXT,
  city                TEXT,
  state               TEXT,
  postal_code         TEXT,
  normalized_address  TEXT,
  owner_name          TEXT,
  owner_phone         TEXT,
  owner_email         TEXT,
  parcel_number       TEXT,
  land_value          NUMERIC,
  improved_value      NUMERIC,
  enriched            BOOLEAN NOT NULL DEFAULT false,
  property_id         BIGINT REFERENCES properties (id) ON DELETE SET NULL,
  raw                 JSONB NOT NULL,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (county_id, record_id)
);
CREATE INDEX permits_county_opened_idx ON permits (county_id, opened_date DESC);
CREATE INDEX permits_county_address_idx ON permits (county_id, normalized_address);

-- A lead is a property whose HVAC system is old enough to sell a replacement (age >= 5 years).
-- Contact fields are copied from the property's current owner and kept up to date by the permit pipeline;
-- the sync fields belong to the CRM sync (HighLevel).
CREATE TABLE leads (
  id               BIGSERIAL PRIMARY KEY,
  county_id        BIGINT NOT NULL REFERENCES counties (id) ON DELETE CASCADE,
  property_id      BIGINT NOT NULL UNIQUE REFERENCES properties (id) ON DELETE CASCADE,
  score            INT NOT NULL CHECK (score BETWEEN 0 AND 100),
  tier             TEXT NOT NULL CHECK (tier IN ('HOT', 'WARM', 'COOL', 'COLD')),
  notes            TEXT,
  owner_name       TEXT,
  owner_phone      TEXT,
  owner_email      TEXT,
  address          TEXT,
  city             TEXT,
  state            TEXT,
  postal_code      TEXT,
  hvac_age_years   NUMERIC,
  sync_status      TEXT NOT NULL DEFAULT 'pending' CHECK (sync_status IN ('pending', 'synced', 'failed', 'skipped')),
  crm_contact_id   TEXT,
  synced_at        TIMESTAMPTZ,
  sync_error       TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX leads_county_tier_idx ON leads (county_id, tier);
CREATE INDEX leads_sync_status_idx ON leads (sync_status);

-- One row per pull (historical, incremental or ad hoc); progress is written at every page.
CREATE TABLE permit_pull_jobs (
  id                       BIGSERIAL PRIMARY KEY,
  county_id                BIGINT NOT NULL REFERENCES counties (id) ON DELETE CASCADE,
  job_type                 TEXT NOT NULL CHECK (job_type IN ('initial_pull', 'incremental_pull')),
  parameters               JSONB NOT NULL DEFAULT '{}'::jsonb,
  status                   TEXT NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  workflow_id              TEXT,
  current_year             INT,
  current_batch            INT NOT NULL DEFAULT 0,
  years_total              INT NOT NULL DEFAULT 0,
  years_completed          INT NOT NULL DEFAULT 0,
  permits_pulled           BIGINT NOT NULL DEFAULT 0,
  permits_saved            BIGINT NOT NULL DEFAULT 0,
  properties_created       BIGINT NOT NULL DEFAULT 0,
  properties_updated       BIGINT NOT NULL DEFAULT 0,
  leads_created            BIGINT NOT NULL DEFAULT 0,
  permits_per_second       NUMERIC,
  progress_percent         NUMERIC NOT NULL DEFAULT 0,
  estimated_completion_at  TIMESTAMPTZ,
  elapsed_seconds          NUMERIC NOT NULL DEFAULT 0,
  error_message            TEXT,
  started_at               TIMESTAMPTZ,
  finished_at              TIMESTAMPTZ,
  created_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at               TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX permit_pull_jobs_county_idx ON permit_pull_jobs (county_id, created_at DESC);
-- At most one pull per county at a time (the workflow id enforces it in Temporal; this enforces it here).
CREATE UNIQUE INDEX permit_pull_jobs_one_active_idx ON permit_pull_jobs (county_id)
  WHERE status IN ('pending', 'running');

-- Down Migration
DROP TABLE permit_pull_jobs;
DROP TABLE leads;
DROP TABLE permits;
DROP TABLE properties;
DROP TABLE county_rate_limit_stats;
DROP TABLE counties;
