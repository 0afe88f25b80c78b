import { limitForWindow, type RateLimitGate } from '../../platform/shared-rate-limits';
import { AccelaClient, type AccelaClientOptions } from './client';
import { AdaptiveRateLimiter, type RateLimitStats } from './rate-limiter';
import type { AccelaCredentials, TokenSet } from './tokens';

/** The Accela settings a connection is built from (plain values: the app's settings satisfy it). */
export interface AccelaConnectionSettings {
  ACCELA_API_URL: string;
  ACCELA_AUTH_URL: string;
  ACCELA_SCOPE: string;
  ACCELA_REQUEST_TIMEOUT_MS: number;
  ACCELA_RATE_LIMIT_WINDOW_SECONDS: number;
  ACCELA_RATE_LIMIT_PAUSE_FRACTION: number;
  ACCELA_PAGE_DELAY_MS: number;
  ACCELA_ENRICH_DELAY_MS: number;
  ACCELA_TOKEN_REFRESH_MARGIN_SECONDS: number;
  ACCELA_MAX_RATE_LIMIT_RETRIES: number;
}

/** A county's credentials as stored (the scope is the deployment's). */
export type CountyCredentials = Omit<AccelaCredentials, 'scope'>;

/** The key of an agency's rate limit: Accela limits each app per agency. */
export function accelaAgencyLimitKey(credentials: Pick<CountyCredentials, 'appId' | 'agencyName' | 'environment'>): string {
  return `accela:agency:${credentials.appId}:${credentials.agencyName.toLowerCase()}:${credentials.environment.toLowerCase()}`;
}

/**
 * One rate limiter and token cache per county in a process, so consecutive page activities keep the
 * county's token and what its rate-limit headers last said. Every request is also booked on the
 * agency's limit shared by all worker processes (`gate`): the limit the headers advertise per
 * `ACCELA_RATE_LIMIT_WINDOW_SECONDS`, or before any header the fixed enrichment gap.
 */
export class AccelaConnections {
  private readonly limiters = new Map<number, AdaptiveRateLimiter>();
  private readonly reported = new Map<number, RateLimitStats>();
  private readonly tokens = new Map<string, TokenSet>();

  constructor(
    private readonly settings: AccelaConnectionSettings,
    private readonly gate: RateLimitGate,
  ) {}

  /** `onWait` is called while a long rate-limit wait lasts (the page activity heartbeats). */
  clientFor(countyId: number, credentials: CountyCredentials, onWait?: (waitLeftMs: number) => void): AccelaClient {
    let limiter = this.limiters.get(countyId);
    if (!limiter) {
      limiter = new AdaptiveRateLimiter({
        pauseFraction: this.settings.ACCELA_RATE_LIMIT_PAUSE_FRACTION,
        pageDelayMs: this.settings.ACCELA_PAGE_DELAY_MS,
        enrichDelayMs: this.settings.ACCELA_ENRICH_DELAY_MS,
      });
      this.limiters.set(countyId, limiter);
    }
    const seen = limiter;
    return this.client(credentials, {
      limiter,
      sharedLimit: { gate: this.gate, key: accelaAgencyLimitKey(credentials), limit: () => this.sharedLimit(seen.stats().limit), onWait },
      tokenCache: this.tokens,
      // Credentials are part of the key: edited credentials never reuse an old token.
      tokenCacheKey: `${countyId}:${credentials.appId}:${credentials.username}:${credentials.agencyName}:${credentials.environment}`,
      tokenRefreshMarginMs: this.settings.ACCELA_TOKEN_REFRESH_MARGIN_SECONDS * 1000,
      maxRateLimitRetries: this.settings.ACCELA_MAX_RATE_LIMIT_RETRIES,
    });
  }

  private sharedLimit(advertisedLimit: number | null) {
    if (advertisedLimit !== null) {
      const windowMs = this.settings.ACCELA_RATE_LIMIT_WINDOW_SECONDS * 1000;
      // A send reaches the server some time after it was booked (queueing, network): a share of a short
      // window, at most a second, keeps two bookings one window apart from landing in one server window.
      return limitForWindow(advertisedLimit, windowMs, { safetyMs: Math.min(1000, windowMs / 4) });
    }
    const gapMs = this.settings.ACCELA_ENRICH_DELAY_MS;
    return gapMs > 0 ? { perSecond: 1000 / gapMs, burst: 1 } : null;
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

  private client(credentials: CountyCredentials, connection: ConnectionParts): AccelaClient {
    return clientOn(this.settings, credentials, connection);
  }
}

type ConnectionParts = Pick<AccelaClientOptions, 'limiter' | 'sharedLimit' | 'tokenCache' | 'tokenCacheKey' | 'tokenRefreshMarginMs' | 'maxRateLimitRetries'>;

function clientOn(settings: AccelaConnectionSettings, credentials: CountyCredentials, connection: ConnectionParts): AccelaClient {
  return new AccelaClient({
    apiUrl: settings.ACCELA_API_URL,
    authUrl: settings.ACCELA_AUTH_URL,
    credentials: { ...credentials, scope: settings.ACCELA_SCOPE },
    timeoutMs: settings.ACCELA_REQUEST_TIMEOUT_MS,
    ...connection,
  });
}

/**
 * A client for one connection test: a token of its own (credentials may be unsaved), no fixed pauses
 * and no 429 retries, so the caller hears the outcome at once.
 */
export function accelaConnectionTestClient(settings: AccelaConnectionSettings, credentials: CountyCredentials): AccelaClient {
  return clientOn(settings, credentials, {
    limiter: new AdaptiveRateLimiter({ pauseFraction: settings.ACCELA_RATE_LIMIT_PAUSE_FRACTION, pageDelayMs: 0, enrichDelayMs: 0 }),
    tokenCache: new Map(),
    tokenCacheKey: 'connection-test',
    tokenRefreshMarginMs: 0,
    maxRateLimitRetries: 0,
  });
}
