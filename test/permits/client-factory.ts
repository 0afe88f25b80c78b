import { AccelaClient } from '../../clients/accela/client';
import { AdaptiveRateLimiter } from '../../clients/accela/rate-limiter';
import type { TokenSet } from '../../clients/accela/tokens';

/** A client as activities build it, pointed at a local server, with no fixed pauses between calls. */
export function testClient(url: string, overrides: { timeoutMs?: number; maxRateLimitRetries?: number; pauseFraction?: number } = {}) {
  const limiter = new AdaptiveRateLimiter({ pauseFraction: overrides.pauseFraction ?? 0.15, pageDelayMs: 0, enrichDelayMs: 0 });
  const tokenCache = new Map<string, TokenSet>();
  const client = new AccelaClient({
    apiUrl: url,
    authUrl: url,
    credentials: { appId: 'app-1', appSecret: 'secret-1', username: 'user', password: 'pw', agencyName: 'NULLISLAND', environment: 'TEST', scope: 'records' },
    timeoutMs: overrides.timeoutMs ?? 5_000,
    limiter,
    tokenCache,
    tokenCacheKey: 'county-1',
    tokenRefreshMarginMs: 60_000,
    maxRateLimitRetries: overrides.maxRateLimitRetries ?? 3,
  });
  return { client, limiter, tokenCache };
}
