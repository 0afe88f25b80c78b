import { limitForWindow, type RateLimitGate } from '../../platform/shared-rate-limits';
import { HighLevelClient } from './client';
import { sharedRateLimiter } from './rate-limiter';

/** The settings a HighLevel connection is made from (a subset of the process settings). */
export interface HighLevelConnectionSettings {
  HIGHLEVEL_BASE_URL: string;
  HIGHLEVEL_RATE_LIMIT_MAX: number;
  HIGHLEVEL_RATE_LIMIT_INTERVAL_MS: number;
  HIGHLEVEL_RATE_LIMIT_SAFETY_MS: number;
  HIGHLEVEL_DAILY_LIMIT: number;
  HIGHLEVEL_MAX_RATE_LIMIT_RETRIES: number;
  HIGHLEVEL_REQUEST_TIMEOUT_MS: number;
}

/** The account a client acts for: a private integration token and its location. */
export interface HighLevelAccount {
  apiToken: string;
  locationId: string;
}

const DAY_MS = 24 * 3600 * 1000;
/** A daily-cap booking further off than this is refused: the cap is spent, not busy. */
const DAILY_CAP_MAX_WAIT_MS = 60_000;

/**
 * A client for the account's location: the process's limiter for that location (what the headers say,
 * calls in flight) plus the location's window and daily cap shared by every worker process through
 * `gate`. `onWait` is called while a long wait lasts (the sync activity heartbeats).
 */
export function highLevelClientFor(settings: HighLevelConnectionSettings, account: HighLevelAccount, gate: RateLimitGate, onWait?: () => void): HighLevelClient {
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
    shared: {
      window: {
        gate,
        key: `highlevel:location:${account.locationId}`,
        limit: () => limitForWindow(settings.HIGHLEVEL_RATE_LIMIT_MAX, settings.HIGHLEVEL_RATE_LIMIT_INTERVAL_MS, { safetyMs: settings.HIGHLEVEL_RATE_LIMIT_SAFETY_MS }),
        onWait,
      },
      daily: {
        gate,
        key: `highlevel:location:${account.locationId}:daily`,
        limit: () => limitForWindow(settings.HIGHLEVEL_DAILY_LIMIT, DAY_MS),
        maxWaitMs: DAILY_CAP_MAX_WAIT_MS,
      },
    },
    maxRateLimitRetries: settings.HIGHLEVEL_MAX_RATE_LIMIT_RETRIES,
    requestTimeoutMs: settings.HIGHLEVEL_REQUEST_TIMEOUT_MS,
  });
}
