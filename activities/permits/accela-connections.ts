import { AccelaClient } from '../../clients/accela/client';
import { AdaptiveRateLimiter, type RateLimitStats } from '../../clients/accela/rate-limiter';
import type { TokenSet } from '../../clients/accela/tokens';
import type { Settings } from '../../config/settings';
import type { Database } from '../../platform/database';
import type { CountyPullConfig } from './county-store';

/**
 * One rate limiter and token cache per county in a worker process, so consecutive page activities keep
 * the county's token and what its rate-limit headers last said.
 */
export class AccelaConnections {
  private readonly limiters = new Map<number, AdaptiveRateLimiter>();
  private readonly reported = new Map<number, RateLimitStats>();
  private readonly tokens = new Map<string, TokenSet>();

  constructor(private readonly settings: Settings) {}

  clientFor(county: CountyPullConfig): AccelaClient {
    let limiter = this.limiters.get(county.id);
    if (!limiter) {
      limiter = new AdaptiveRateLimiter({
        pauseFraction: this.settings.ACCELA_RATE_LIMIT_PAUSE_FRACTION,
        pageDelayMs: this.settings.ACCELA_PAGE_DELAY_MS,
        enrichDelayMs: this.settings.ACCELA_ENRICH_DELAY_MS,
      });
      this.limiters.set(county.id, limiter);
    }
    return new AccelaClient({
      apiUrl: this.settings.ACCELA_API_URL,
      authUrl: this.settings.ACCELA_AUTH_URL,
      credentials: { ...county.credentials, scope: this.settings.ACCELA_SCOPE },
      timeoutMs: this.settings.ACCELA_REQUEST_TIMEOUT_MS,
      limiter,
      tokenCache: this.tokens,
      // Credentials are part of the key: edited credentials never reuse an old token.
      tokenCacheKey: `${county.id}:${county.credentials.appId}:${county.credentials.username}:${county.credentials.agencyName}:${county.credentials.environment}`,
      tokenRefreshMarginMs: this.settings.ACCELA_TOKEN_REFRESH_MARGIN_SECONDS * 1000,
      maxRateLimitRetries: this.settings.ACCELA_MAX_RATE_LIMIT_RETRIES,
    });
  }

  /** Adds what the county's limiter saw since the last report to `county_rate_limit_stats`. */
  async persistStats(db: Pick<Database, 'query'>, countyId: number): Promise<void> {
    const limiter = this.limiters.get(countyId);
    if (!limiter) return;
    const now = limiter.stats();
    const before = this.reported.get(countyId);
    this.reported.set(countyId, now);
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
      [
        countyId,
        now.limit,
        now.remaining,
        now.resetAt,
        now.requestsMade - (before?.requestsMade ?? 0),
        now.throttledCount - (before?.throttledCount ?? 0),
        Math.round(now.waitMs - (before?.waitMs ?? 0)),
      ],
    );
  }
}
