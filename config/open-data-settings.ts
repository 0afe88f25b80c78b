import { z } from 'zod';

/** Socrata and ArcGIS permit sources (env names as in docs/permits.md, "Open-data counties"). */
export const openDataSettings = {
  /**
   * Rows per Socrata page and features per ArcGIS page (ArcGIS caps it further at the layer's `maxRecordCount`).
   * Each page is one transaction, as an Accela page is.
   */
  OPEN_DATA_PAGE_LIMIT: z.coerce.number().int().min(1).max(50_000).default(1000),
  OPEN_DATA_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * Request starts per second per Socrata host, shared by every worker process. Socrata publishes no figure for
   * requests with an app token; without one, requests share a per-IP pool and are throttled first.
   */
  SOCRATA_REQUESTS_PER_SECOND: z.coerce.number().positive().default(4),
  /** Request starts per second per ArcGIS host, shared by every worker process (hosted services throttle busy callers). */
  ARCGIS_REQUESTS_PER_SECOND: z.coerce.number().positive().default(4),
  /** The first pause after a 429 without `Retry-After`; it doubles with each 429 in a row. */
  OPEN_DATA_BACKOFF_MS: z.coerce.number().int().min(0).default(2_000),
  /** 429s in a row one request waits out before its activity fails (and Temporal retries it later). */
  OPEN_DATA_MAX_RATE_LIMIT_RETRIES: z.coerce.number().int().min(0).default(3),
};
