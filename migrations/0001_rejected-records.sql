-- Up Migration
-- Whatever a pipeline cannot parse is kept here with the reason, never dropped silently.
CREATE TABLE rejected_records (
  id          BIGSERIAL PRIMARY KEY,
  source      TEXT NOT NULL,            -- accela, cepik, autotrader, highlevel
  entity      TEXT NOT NULL,            -- e.g. permit, vehicle_registration, listing
  external_id TEXT,                     -- the source's id when one could be read
  reason      TEXT NOT NULL,
  payload     TEXT NOT NULL,            -- the raw input as received (text: it may not be valid JSON)
  job_ref     TEXT,                     -- workflow id or job id that met it
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX rejected_records_source_idx ON rejected_records (source, created_at DESC);

-- Down Migration
DROP TABLE rejected_records;
