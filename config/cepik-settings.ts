import { z } from 'zod';
import { DEFAULT_BRANDS } from '../domain/registrations/brands';
import { DEFAULT_MONTHS_BACK, DEFAULT_WINDOW_MONTHS } from '../domain/registrations/windows';

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    );

/** Settings of the CEPiK vehicle-registration pipeline (spread into `settingsSchema`). */
export const cepikSettings = {
  /** Requests per second to one CEPiK host, shared by every activity of a worker process. */
  CEPIK_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(1),
  /** Page size; the API allows at most 500. */
  CEPIK_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(500),
  /** The API is sluggish (3–10 s per request is normal), hence a long default. */
  CEPIK_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** OpenSSL cipher list for the TLS connection, e.g. `DEFAULT@SECLEVEL=1` or an ECDHE-only list ("dh key too small"). */
  CEPIK_TLS_CIPHERS: z.string().optional(),
  CEPIK_TLS_MIN_VERSION: z.enum(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']).optional(),
  /** Wait after API-ERR-100011 ("API limit reached") when the answer names none ("zaczekaj Ns" wins). */
  CEPIK_LIMIT_REACHED_WAIT_SECONDS: z.coerce.number().min(0).default(60),
  /** Wait after a 429 whose body names no delay ("zaczekaj 60s" is honoured when present). */
  CEPIK_RATE_LIMITED_WAIT_SECONDS: z.coerce.number().min(0).default(60),
  /** Pause before the next request when `X-Rate-Limit-Remaining` reaches 0. */
  CEPIK_EXHAUSTED_PAUSE_MS: z.coerce.number().int().min(0).default(1_000),
  /** Attempts per brand pull (429s, 404s, truncated bodies and timeouts each use one). */
  CEPIK_PULL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  CEPIK_BRAND_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(5),
  CEPIK_DEFAULT_BRANDS: csv(DEFAULT_BRANDS.join(',')),
  CEPIK_MONTHS_BACK: z.coerce.number().int().min(1).max(360).default(DEFAULT_MONTHS_BACK),
  CEPIK_WINDOW_MONTHS: z.coerce.number().int().min(1).max(120).default(DEFAULT_WINDOW_MONTHS),
  /** A report younger than this is served from PostgreSQL without calling CEPiK. */
  CEPIK_REPORT_TTL_HOURS: z.coerce.number().positive().default(24),
  /** How long the API waits for a fresh pull before answering 202 with the job id. */
  CEPIK_REPORT_WAIT_SECONDS: z.coerce.number().positive().default(50),
  /** Voivodeship codes refreshed by the daily Temporal Schedule. */
  CEPIK_SCHEDULE_REGIONS: csv('24'),
};
