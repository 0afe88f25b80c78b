import { setTimeout as sleep } from 'node:timers/promises';
import { HighLevelRateLimitError, HighLevelUnavailableError } from './errors';

/** Errors a later try may not meet: a 429 still answered after the client's own waits, 5xx, timeouts, broken or malformed answers. */
export function isTransientHighLevelError(error: unknown): error is HighLevelUnavailableError | HighLevelRateLimitError {
  return error instanceof HighLevelUnavailableError || error instanceof HighLevelRateLimitError;
}

export interface TransientRetryOptions {
  /** Tries after the first. */
  retries: number;
  /** The wait before the first retry; it doubles with each retry (a 429 waits at least what it asked). */
  baseDelayMs: number;
  /** Called before each wait (an activity heartbeats here). */
  beforeRetry?: (error: Error, retry: number) => void;
  /** Ends a wait early by throwing the signal's reason (an activity's cancellation). */
  signal?: AbortSignal;
}

/** Runs `work`, trying again after a transient HighLevel error up to `retries` times; any other error goes straight through. */
export async function retryTransientHighLevelErrors<T>(work: () => Promise<T>, options: TransientRetryOptions): Promise<T> {
  for (let retry = 1; ; retry += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientHighLevelError(error) || retry > options.retries) throw error;
      options.beforeRetry?.(error, retry);
      const backoffMs = options.baseDelayMs * 2 ** (retry - 1);
      const delayMs = error instanceof HighLevelRateLimitError ? Math.max(backoffMs, error.retryAfterMs) : backoffMs;
      try {
        await sleep(delayMs, undefined, { signal: options.signal });
      } catch (aborted) {
        throw options.signal?.reason ?? aborted;
      }
    }
  }
}
