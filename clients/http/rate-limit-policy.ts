/** Frees the place `acquire` booked and takes in the answer's headers (null when no answer came). */
export type ReleaseRequest = (answerHeaders: Headers | null) => void;

/**
 * What the HTTP core asks of a source's rate limiting: a place before each request, the headers of
 * each answer, and after a 429 how long to wait before trying again.
 */
export interface RateLimitPolicy {
  acquire(): Promise<ReleaseRequest>;
  /** After the 429 answer to try `attempt` (0-based, its headers already released): the wait before the next try. */
  retryDelayMs(headers: Headers, attempt: number): number;
  /** Sleeps before the retry (a limiter may count the time, or a test fake it). */
  wait(ms: number): Promise<void>;
}

/** `Retry-After` is delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
