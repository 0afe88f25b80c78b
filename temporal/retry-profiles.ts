import type { RetryPolicy } from '@temporalio/common';

/**
 * The retry profiles every workflow picks from, by the kind of work an activity does. Workflow-safe
 * (plain data). A change here changes the retries of every activity of that kind: that is the point.
 *
 * `bookkeeping` and `sourcePage` have no attempt limit: a database or network outage of any length is
 * waited out (the backoff is capped, so the work resumes within a minute of the outage ending) and the
 * job row records its real end. What must not be retried fails at once through its non-retryable type
 * (the sources' failure mappers in activities/<pipeline>/failures.ts mark bad credentials, refused or
 * invalid requests so); an error nobody typed is retried until an operator cancels the run.
 */
const PROFILES = {
  /** Quick PostgreSQL writes that record a job's start, progress or end: retried until they succeed. */
  bookkeeping: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  /** A page (or batch) of an external API: waits named by the source come as `nextRetryDelay`. */
  sourcePage: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  /** A browser scrape: slow, and a site that pushes back is given room before the next try. */
  browserScrape: { initialInterval: '10 seconds', backoffCoefficient: 3, maximumInterval: '10 minutes', maximumAttempts: 4 },
  /** A platform probe: fails fast so a self-test answers within seconds. */
  probe: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 3 },
} as const satisfies Record<string, RetryPolicy>;

export type RetryProfile = keyof typeof PROFILES;

/**
 * The named profile, with the failure types that must not be retried and any deliberate overrides (the
 * CEPiK brand pull's `CEPIK_PULL_MAX_ATTEMPTS`, whose API answers a waiting request from its cache).
 * `bookkeeping` takes no overrides: a job's start and end are recorded whatever it takes.
 */
export function retryPolicy(profile: 'bookkeeping', nonRetryableErrorTypes?: readonly string[]): RetryPolicy;
export function retryPolicy(
  profile: Exclude<RetryProfile, 'bookkeeping'>,
  nonRetryableErrorTypes?: readonly string[],
  overrides?: Partial<Pick<RetryPolicy, 'maximumAttempts'>>,
): RetryPolicy;
export function retryPolicy(
  profile: RetryProfile,
  nonRetryableErrorTypes: readonly string[] = [],
  overrides: Partial<Pick<RetryPolicy, 'maximumAttempts'>> = {},
): RetryPolicy {
  return { ...PROFILES[profile], ...overrides, nonRetryableErrorTypes: [...nonRetryableErrorTypes] };
}
