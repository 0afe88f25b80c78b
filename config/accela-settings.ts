import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Accela building-permit pipeline settings (env names as in docs/permits.md). */
export const accelaSettings = {
  /** Records per list page; Accela's documented maximum is 1000. */
  ACCELA_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(1000),
  /** Days per list window: small enough that a window rarely needs more than one page. */
  ACCELA_WINDOW_DAYS: z.coerce.number().int().min(1).max(366).default(92),
  /** Years of a historical pull in flight at once (started oldest first). */
  ACCELA_YEAR_CONCURRENCY: z.coerce.number().int().min(1).max(10).default(3),
  /** Record ids per `GET /v4/records/{ids}?expand=` call (no documented maximum; URL length bounds it). */
  ACCELA_ENRICH_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(50),
  /** Enrichment calls in flight at once within a page. */
  ACCELA_ENRICH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** A page activity whose worker stops heartbeating this long is retried on another worker. */
  ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(2).default(60),
  /**
   * Pages one activity fetches and saves in a row (each its own transaction, its cursor heartbeated):
   * fewer Temporal round trips per permit. A stop or cancel waits for the activity's pages.
   */
  ACCELA_PAGES_PER_ACTIVITY: z.coerce.number().int().min(1).max(100).default(10),
  ACCELA_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  ACCELA_SCOPE: z.string().default('records'),
  /**
   * The window Accela's `X-RateLimit-Limit` counts over (undocumented; an hour per the one known client). Every
   * worker process together books at most that many requests per window and agency (rate_limit_buckets).
   */
  ACCELA_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Pause until the window resets once less than this fraction of the rate-limit window remains. */
  ACCELA_RATE_LIMIT_PAUSE_FRACTION: z.coerce.number().min(0).max(1).default(0.15),
  /** Fixed pauses used only when the server sends no X-RateLimit-* headers. */
  ACCELA_PAGE_DELAY_MS: z.coerce.number().int().min(0).default(500),
  ACCELA_ENRICH_DELAY_MS: z.coerce.number().int().min(0).default(100),
  ACCELA_MAX_RATE_LIMIT_RETRIES: z.coerce.number().int().min(0).default(3),
  /** Refresh the access token this many seconds before it expires. */
  ACCELA_TOKEN_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).default(60),
  ACCELA_HISTORICAL_YEARS: z.coerce.number().int().min(1).max(100).default(30),
  ACCELA_INCREMENTAL_INTERVAL_DAYS: z.coerce.number().int().min(1).default(7),
  ACCELA_INCREMENTAL_WINDOW_DAYS: z.coerce.number().int().min(1).default(8),
  /** Each scheduled incremental run starts up to this much later, at random (on top of the county's fixed offset). */
  ACCELA_SCHEDULE_JITTER_MINUTES: z.coerce.number().int().min(0).default(30),
  ACCELA_SCHEDULE_CATCHUP_WINDOW_HOURS: z.coerce.number().int().min(1).default(24),
  /** Start the CRM sync after each incremental pull; unset means on in sandbox mode, off otherwise. */
  CRM_AUTO_SYNC: booleanFlag.optional(),
};

/** CRM_AUTO_SYNC with its default, which depends on SOURCES (zod defaults cannot see other fields). */
export function crmAutoSyncEnabled(settings: { CRM_AUTO_SYNC?: boolean | undefined; SOURCES: 'sandbox' | 'real' }): boolean {
  return settings.CRM_AUTO_SYNC ?? settings.SOURCES === 'sandbox';
}
