-- Up Migration
-- Each worker process reports itself here every few seconds and removes its row on shutdown.
-- Temporal lists a poller for a minute or more after its worker stopped; this row says at once.
CREATE TABLE worker_heartbeats (
  identity     TEXT PRIMARY KEY,
  task_queues  TEXT[] NOT NULL,
  started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE worker_heartbeats;
