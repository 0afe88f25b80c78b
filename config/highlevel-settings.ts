import { z } from 'zod';

/** HighLevel (Summit.AI) CRM sync settings; `HIGHLEVEL_BASE_URL` lives with the other source URLs. */
export const highlevelSettings = {
  /** Requests allowed per interval and location (HighLevel's burst limit is 100 per 10 s). */
  HIGHLEVEL_RATE_LIMIT_MAX: z.coerce.number().int().positive().default(100),
  HIGHLEVEL_RATE_LIMIT_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  /** Added to each window so requests sent at its edge cannot land in the server's previous window. */
  HIGHLEVEL_RATE_LIMIT_SAFETY_MS: z.coerce.number().int().min(0).default(200),
  /** Requests allowed per day and location (HighLevel: 200,000), booked by every worker process together. */
  HIGHLEVEL_DAILY_LIMIT: z.coerce.number().int().positive().default(200_000),
  /** How often one request is retried after a 429 before the activity gives up (and Temporal retries it). */
  HIGHLEVEL_MAX_RATE_LIMIT_RETRIES: z.coerce.number().int().min(0).default(5),
  HIGHLEVEL_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** How often a lead's push is tried again, inside its batch, after a 429, 5xx or timeout (the batch fails only after these). */
  HIGHLEVEL_LEAD_RETRIES: z.coerce.number().int().min(0).default(3),
  /** Leads synced at the same time by one batch activity. */
  HIGHLEVEL_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
};
