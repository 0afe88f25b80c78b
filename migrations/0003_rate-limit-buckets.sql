-- Up Migration
-- One row per rate limit a source imposes (e.g. `accela:agency:<app>:<agency>`, `cepik:host:<host>`),
-- shared by every worker process: platform/shared-rate-limits.ts books each request under this row's
-- lock. Times are PostgreSQL's clock in epoch milliseconds, so processes on different machines agree.
CREATE TABLE rate_limit_buckets (
  key              TEXT PRIMARY KEY,
  -- When the bucket would be full again (GCRA's theoretical arrival time); in the past it is full.
  next_free_at_ms  DOUBLE PRECISION NOT NULL DEFAULT 0,
  -- Nobody sends before this: the source said its budget is spent.
  paused_until_ms  DOUBLE PRECISION NOT NULL DEFAULT 0,
  -- Bookings so far and the total wait they were given, for operators and benchmarks.
  requests_booked  BIGINT NOT NULL DEFAULT 0,
  wait_ms_total    DOUBLE PRECISION NOT NULL DEFAULT 0,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE rate_limit_buckets;
