import { z } from 'zod';

/** Socrata and ArcGIS (open-data counties) client settings: both platforms publish no rate-limit headers. */
export const openDataSettings = {
  /**
   * Rows per Socrata page and features per ArcGIS page (ArcGIS caps it further at the layer's `maxRecordCount`).
   * Each page is one transaction, as an Accela page is.
   */
  OPEN_DATA_PAGE_LIMIT: z.coerce.number().int().min(1).max(50_000).default(1000),
  /** Per-request timeout of the Socrata and ArcGIS clients. */
  OPEN_DATA_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Request starts per second and Socrata host, booked by every worker process together. */
  SOCRATA_REQUESTS_PER_SECOND: z.coerce.number().positive().default(5),
  /** Request starts per second and ArcGIS host, booked by every worker process together. */
  ARCGIS_REQUESTS_PER_SECOND: z.coerce.number().positive().default(5),
  /** The first wait after a 429 without `Retry-After`; it doubles with every 429 in a row. */
  OPEN_DATA_BACKOFF_MS: z.coerce.number().int().min(0).default(1_000),
  /** 429 retries inside one call before it fails retryably. */
  OPEN_DATA_MAX_RATE_LIMIT_RETRIES: z.coerce.number().int().min(0).default(3),
};
