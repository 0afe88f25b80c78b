import { HighLevelClient } from '../../clients/highlevel/client';
import { sharedRateLimiter } from '../../clients/highlevel/rate-limiter';
import type { Settings } from '../../config/settings';
import type { CrmConfig } from './store/config';

/** A client for the configured location, sharing the process's rate budget for that location. */
export function highLevelClientFor(settings: Settings, config: Pick<CrmConfig, 'apiToken' | 'locationId'>): HighLevelClient {
  const key = [settings.HIGHLEVEL_BASE_URL, config.locationId, settings.HIGHLEVEL_RATE_LIMIT_MAX, settings.HIGHLEVEL_RATE_LIMIT_INTERVAL_MS].join('|');
  const limiter = sharedRateLimiter(key, {
    max: settings.HIGHLEVEL_RATE_LIMIT_MAX,
    intervalMs: settings.HIGHLEVEL_RATE_LIMIT_INTERVAL_MS,
    safetyMs: settings.HIGHLEVEL_RATE_LIMIT_SAFETY_MS,
  });
  return new HighLevelClient({
    baseUrl: settings.HIGHLEVEL_BASE_URL,
    token: config.apiToken,
    limiter,
    maxRateLimitRetries: settings.HIGHLEVEL_MAX_RATE_LIMIT_RETRIES,
    requestTimeoutMs: settings.HIGHLEVEL_REQUEST_TIMEOUT_MS,
  });
}
