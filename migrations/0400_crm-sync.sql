-- Up Migration
-- The one HighLevel (Summit.AI) account leads are pushed to. The token is AES-256-GCM sealed by the
-- application (SecretBox); its clear value never reaches this table.
CREATE TABLE crm_config (
  id                     SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  api_token_encrypted    TEXT NOT NULL,
  location_id            TEXT NOT NULL,
  default_tags           TEXT[] NOT NULL DEFAULT ARRAY['hvac-lead'],
  default_phone_country  TEXT NOT NULL DEFAULT 'US' CHECK (default_phone_country ~ '^[A-Z]{2}$'),
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per sync workflow (a continue-as-new chain counts as one run); counters grow as batches finish.
CREATE TABLE crm_sync_runs (
  id              BIGSERIAL PRIMARY KEY,
  run_key         TEXT NOT NULL UNIQUE,   -- the workflow's first run id
  workflow_id     TEXT NOT NULL,
  selection       TEXT NOT NULL CHECK (selection IN ('pending', 'leads')),
  status          TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'not_configured')),
  total           INT NOT NULL DEFAULT 0,
  processed       INT NOT NULL DEFAULT 0,
  created         INT NOT NULL DEFAULT 0,
  updated         INT NOT NULL DEFAULT 0,
  skipped         INT NOT NULL DEFAULT 0,
  failed          INT NOT NULL DEFAULT 0,
  requests        INT NOT NULL DEFAULT 0,
  error_message   TEXT,
  started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at     TIMESTAMPTZ,
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX crm_sync_runs_started_idx ON crm_sync_runs (started_at DESC);

-- Each lead's sync attempt: written before any call to HighLevel and as soon as a contact id is
-- known, so a retried or re-run sync resumes from it instead of creating a second contact.
CREATE TABLE crm_lead_sync_attempts (
  lead_id      BIGINT PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
  run_key      TEXT NOT NULL,
  contact_id   TEXT,
  outcome      TEXT CHECK (outcome IN ('created', 'updated', 'skipped', 'failed')),  -- NULL while in progress
  attempts     INT NOT NULL DEFAULT 1,
  started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at  TIMESTAMPTZ
);

-- Down Migration
DROP TABLE crm_lead_sync_attempts;
DROP TABLE crm_sync_runs;
DROP TABLE crm_config;
