import type { RetryPolicy } from '@temporalio/common';

/**
 * The retry profiles every workflow picks from, by the kind of work an activity does. Workflow-safe
 * (plain data). A change here changes the retries of every activity of that kind: that is the point.
 */
const PROFILES = {
  /** Quick PostgreSQL writes that record a job's start, progress or end. */
  bookkeeping: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
  /** A page (or batch) of an external API: waits named by the source come as `nextRetryDelay`. */
  sourcePage: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
  /** A browser scrape: slow, and a site that pushes back is given room before the next try. */
  browserScrape: { initialInterval: '10 seconds', backoffCoefficient: 3, maximumInterval: '10 minutes', maximumAttempts: 4 },
  /** A platform probe: fails fast so a self-test answers within seconds. */
  probe: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 3 },
} as const satisfies Record<string, RetryPolicy>;

export type RetryProfile = keyof typeof PROFILES;

/** The named profile, with the failure types that must not be retried and any deliberate overrides. */
export function retryPolicy(
  profile: RetryProfile,
  nonRetryableErrorTypes: readonly string[] = [],
  overrides: Partial<Pick<RetryPolicy, 'maximumAttempts'>> = {},
): RetryPolicy {
  return { ...PROFILES[profile], ...overrides, nonRetryableErrorTypes: [...nonRetryableErrorTypes] };
}
