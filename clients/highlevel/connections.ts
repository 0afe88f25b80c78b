import { HighLevelClient } from './client';
import { sharedRateLimiter } from './rate-limiter';

/** The settings a HighLevel connection is made from (a subset of the process settings). */
export interface HighLevelConnectionSettings {
  HIGHLEVEL_BASE_URL: string;
  HIGHLEVEL_RATE_LIMIT_MAX: number;
  HIGHLEVEL_RATE_LIMIT_INTERVAL_MS: number;
  HIGHLEVEL_RATE_LIMIT_SAFETY_MS: number;
  HIGHLEVEL_MAX_RATE_LIMIT_RETRIES: number;
  HIGHLEVEL_REQUEST_TIMEOUT_MS: number;
}

/** The account a client acts for: a private integration token and its location. */
export interface HighLevelAccount {
  apiToken: string;
  locationId: string;
}

/** A client for the account's location, sharing the process's rate budget for that location. */
export function highLevelClientFor(settings: HighLevelConnectionSettings, account: HighLevelAccount): HighLevelClient {
  const key = [settings.HIGHLEVEL_BASE_URL, account.locationId, settings.HIGHLEVEL_RATE_LIMIT_MAX, settings.HIGHLEVEL_RATE_LIMIT_INTERVAL_MS].join('|');
  const limiter = sharedRateLimiter(key, {
    max: settings.HIGHLEVEL_RATE_LIMIT_MAX,
    intervalMs: settings.HIGHLEVEL_RATE_LIMIT_INTERVAL_MS,
    safetyMs: settings.HIGHLEVEL_RATE_LIMIT_SAFETY_MS,
  });
  return new HighLevelClient({
    baseUrl: settings.HIGHLEVEL_BASE_URL,
    token: account.apiToken,
    limiter,
    maxRateLimitRetries: settings.HIGHLEVEL_MAX_RATE_LIMIT_RETRIES,
    requestTimeoutMs: settings.HIGHLEVEL_REQUEST_TIMEOUT_MS,
  });
}
