import type { RateLimitStats } from '../../clients/accela/rate-limiter';
import type { Database } from '../../platform/database';

/** Adds a limiter report (headers as last seen, counters as increments) to the county's `county_rate_limit_stats`. */
export async function addRateLimitStats(db: Pick<Database, 'query'>, countyId: number, report: RateLimitStats): Promise<void> {
  await db.query(
    `INSERT INTO county_rate_limit_stats (county_id, limit_per_window, remaining, reset_at, requests_made, throttled_count, wait_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (county_id) DO UPDATE SET
       limit_per_window = COALESCE(EXCLUDED.limit_per_window, county_rate_limit_stats.limit_per_window),
       remaining = COALESCE(EXCLUDED.remaining, county_rate_limit_stats.remaining),
       reset_at = COALESCE(EXCLUDED.reset_at, county_rate_limit_stats.reset_at),
       requests_made = county_rate_limit_stats.requests_made + EXCLUDED.requests_made,
       throttled_count = county_rate_limit_stats.throttled_count + EXCLUDED.throttled_count,
       wait_ms = county_rate_limit_stats.wait_ms + EXCLUDED.wait_ms,
       updated_at = now()`,
    [countyId, report.limit, report.remaining, report.resetAt, report.requestsMade, report.throttledCount, report.waitMs],
  );
}

export async function loadRateLimitStats(db: Database, countyId: number): Promise<Record<string, any> | null> {
  const { rows } = await db.query(`SELECT * FROM county_rate_limit_stats WHERE county_id = $1`, [countyId]);
  return rows[0] ?? null;
}
