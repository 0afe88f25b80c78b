import type { Settings } from '../../config/settings';
import type { RateLimitGate } from '../../platform/shared-rate-limits';
import { ArcGisClient } from '../arcgis/client';
import { SocrataClient } from '../socrata/client';

export type OpenDataClientSettings = Pick<
  Settings,
  'OPEN_DATA_TIMEOUT_MS' | 'OPEN_DATA_MAX_RATE_LIMIT_RETRIES' | 'OPEN_DATA_BACKOFF_MS' | 'SOCRATA_REQUESTS_PER_SECOND' | 'ARCGIS_REQUESTS_PER_SECOND'
>;

function clientOptions(settings: OpenDataClientSettings, requestsPerSecond: number) {
  return { timeoutMs: settings.OPEN_DATA_TIMEOUT_MS, maxRateLimitRetries: settings.OPEN_DATA_MAX_RATE_LIMIT_RETRIES, backoffMs: settings.OPEN_DATA_BACKOFF_MS, requestsPerSecond };
}

/** The client of a county's Socrata dataset, with its app token; paced per host on `gate` (default: this process's limits). */
export function socrataClientFor(settings: OpenDataClientSettings, source: { domain: string; dataset_id: string }, appToken: string | null, gate?: RateLimitGate): SocrataClient {
  return new SocrataClient({ baseUrl: source.domain, datasetId: source.dataset_id, appToken }, clientOptions(settings, settings.SOCRATA_REQUESTS_PER_SECOND), gate);
}

/** The client of a county's ArcGIS layer, with its token; paced per host on `gate` (default: this process's limits). */
export function arcGisClientFor(settings: OpenDataClientSettings, source: { layer_url: string }, token: string | null, gate?: RateLimitGate): ArcGisClient {
  return new ArcGisClient({ layerUrl: source.layer_url, token }, clientOptions(settings, settings.ARCGIS_REQUESTS_PER_SECOND), gate);
}
