import { AccelaClient, type AccelaClientOptions } from './client';
import { AdaptiveRateLimiter, type RateLimitStats } from './rate-limiter';
import type { AccelaCredentials, TokenSet } from './tokens';

/** The Accela settings a connection is built from (plain values: the app's settings satisfy it). */
export interface AccelaConnectionSettings {
  ACCELA_API_URL: string;
  ACCELA_AUTH_URL: string;
  ACCELA_SCOPE: string;
  ACCELA_REQUEST_TIMEOUT_MS: number;
  ACCELA_RATE_LIMIT_PAUSE_FRACTION: number;
  ACCELA_PAGE_DELAY_MS: number;
  ACCELA_ENRICH_DELAY_MS: number;
  ACCELA_TOKEN_REFRESH_MARGIN_SECONDS: number;
  ACCELA_MAX_RATE_LIMIT_RETRIES: number;
}

/** A county's credentials as stored (the scope is the deployment's). */
export type CountyCredentials = Omit<AccelaCredentials, 'scope'>;

/**
 * One rate limiter and token cache per county in a process, so consecutive page activities keep the
 * county's token and what its rate-limit headers last said.
 */
export class AccelaConnections {
  private readonly limiters = new Map<number, AdaptiveRateLimiter>();
  private readonly reported = new Map<number, RateLimitStats>();
  private readonly tokens = new Map<string, TokenSet>();

  constructor(private readonly settings: AccelaConnectionSettings) {}

  clientFor(countyId: number, credentials: CountyCredentials): AccelaClient {
    let limiter = this.limiters.get(countyId);
    if (!limiter) {
      limiter = new AdaptiveRateLimiter({
        pauseFraction: this.settings.ACCELA_RATE_LIMIT_PAUSE_FRACTION,
        pageDelayMs: this.settings.ACCELA_PAGE_DELAY_MS,
        enrichDelayMs: this.settings.ACCELA_ENRICH_DELAY_MS,
      });
      this.limiters.set(countyId, limiter);
    }
    return this.client(credentials, {
      limiter,
      tokenCache: this.tokens,
      // Credentials are part of the key: edited credentials never reuse an old token.
      tokenCacheKey: `${countyId}:${credentials.appId}:${credentials.username}:${credentials.agencyName}:${credentials.environment}`,
      tokenRefreshMarginMs: this.settings.ACCELA_TOKEN_REFRESH_MARGIN_SECONDS * 1000,
      maxRateLimitRetries: this.settings.ACCELA_MAX_RATE_LIMIT_RETRIES,
    });
  }

  /**
   * A client for one connection test: a token of its own (credentials may be unsaved), no fixed pauses
   * and no 429 retries, so the caller hears the outcome at once.
   */
  connectionTestClient(credentials: CountyCredentials): AccelaClient {
    return this.client(credentials, {
      limiter: new AdaptiveRateLimiter({ pauseFraction: this.settings.ACCELA_RATE_LIMIT_PAUSE_FRACTION, pageDelayMs: 0, enrichDelayMs: 0 }),
      tokenCache: new Map(),
      tokenCacheKey: 'connection-test',
      tokenRefreshMarginMs: 0,
      maxRateLimitRetries: 0,
    });
  }

  /**
   * What the county's limiter saw since the last report: header values as last seen, counters as
   * increments (null when this process never paged the county).
   */
  takeRateLimitReport(countyId: number): RateLimitStats | null {
    const limiter = this.limiters.get(countyId);
    if (!limiter) return null;
    const now = limiter.stats();
    const before = this.reported.get(countyId);
    this.reported.set(countyId, now);
    return {
      limit: now.limit,
      remaining: now.remaining,
      resetAt: now.resetAt,
      requestsMade: now.requestsMade - (before?.requestsMade ?? 0),
      throttledCount: now.throttledCount - (before?.throttledCount ?? 0),
      waitMs: Math.round(now.waitMs - (before?.waitMs ?? 0)),
    };
  }

  private client(
    credentials: CountyCredentials,
    connection: Pick<AccelaClientOptions, 'limiter' | 'tokenCache' | 'tokenCacheKey' | 'tokenRefreshMarginMs' | 'maxRateLimitRetries'>,
  ): AccelaClient {
    return new AccelaClient({
      apiUrl: this.settings.ACCELA_API_URL,
      authUrl: this.settings.ACCELA_AUTH_URL,
      credentials: { ...credentials, scope: this.settings.ACCELA_SCOPE },
      timeoutMs: this.settings.ACCELA_REQUEST_TIMEOUT_MS,
      ...connection,
    });
  }
}
