import { parseRetryAfter, type RateLimitPolicy } from '../http/rate-limit-policy';

/**
 * Adaptive pacing from `X-RateLimit-Limit/Remaining/Reset`: when less than `pauseFraction` of the window
 * remains, wait for the reset. Without those headers, fixed gaps between calls keep the load polite.
 * One instance per county and worker process, so consecutive activities share what was last seen.
 */
export type RequestKind = 'page' | 'enrich';

export interface RateLimiterOptions {
  pauseFraction: number;
  pageDelayMs: number;
  enrichDelayMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RateLimitStats {
  limit: number | null;
  remaining: number | null;
  resetAt: Date | null;
  requestsMade: number;
  throttledCount: number;
  waitMs: number;
}

/** Reset values below this are seconds from now; above it, epoch seconds. */
const EPOCH_SECONDS_THRESHOLD = 1e9;

export function parseResetHeader(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  return seconds < EPOCH_SECONDS_THRESHOLD ? nowMs + seconds * 1000 : seconds * 1000;
}

export class AdaptiveRateLimiter {
  private limit: number | null = null;
  private remaining: number | null = null;
  private resetAtMs: number | null = null;
  private lastRequestAtMs: number | null = null;
  /** Requests sent whose answer has not come back: a header's `remaining` does not count them yet. */
  private inFlight = 0;
  private requestsMade = 0;
  private throttledCount = 0;
  private waitMs = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits as long as the last seen headers (or, lacking them, the fixed gaps) ask. */
  async beforeRequest(kind: RequestKind): Promise<void> {
    const delay = this.delayBefore(kind);
    if (delay > 0) {
      this.waitMs += delay;
      await this.sleep(delay);
    }
    if (this.remaining !== null && this.resetAtMs !== null && this.now() >= this.resetAtMs) {
      // The window we paused for has rolled over: the server's next answer tells the new budget.
      this.remaining = null;
    }
    if (this.remaining !== null) this.remaining -= 1;
    this.lastRequestAtMs = this.now();
    this.requestsMade += 1;
    this.inFlight += 1;
  }

  /** This limiter as the HTTP core sees it, for requests of one kind. */
  policyFor(kind: RequestKind): RateLimitPolicy {
    return {
      acquire: async () => {
        await this.beforeRequest(kind);
        return (answerHeaders) => {
          if (answerHeaders) this.observe(answerHeaders);
          this.afterRequest();
        };
      },
      retryDelayMs: (headers) => this.onThrottled(headers),
      wait: (ms) => this.wait(ms),
    };
  }

  /** Every request that `beforeRequest` admitted ends here, answered or not. */
  afterRequest(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  delayBefore(kind: RequestKind): number {
    const now = this.now();
    if (this.limit !== null) {
      const floor = this.limit * this.options.pauseFraction;
      if (this.remaining !== null && this.remaining < floor && this.resetAtMs !== null && this.resetAtMs > now) {
        return this.resetAtMs - now;
      }
      return 0;
    }
    if (this.lastRequestAtMs === null) return 0;
    const gap = kind === 'page' ? this.options.pageDelayMs : this.options.enrichDelayMs;
    return Math.max(0, this.lastRequestAtMs + gap - now);
  }

  /**
   * Takes in what an answer says. With calls in flight, an answer's `remaining` is already out of date:
   * within the same window the lower of it and our own count wins; in a new window the calls still in
   * flight are taken off it.
   */
  observe(headers: Headers): void {
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    if (headers.has('x-ratelimit-limit') && Number.isFinite(limit) && limit > 0) this.limit = limit;
    const reset = parseResetHeader(headers.get('x-ratelimit-reset'), this.now());
    const sameWindow = reset === null || reset === this.resetAtMs;
    if (headers.has('x-ratelimit-remaining') && Number.isFinite(remaining)) {
      const othersInFlight = Math.max(0, this.inFlight - 1);
      this.remaining = sameWindow && this.remaining !== null ? Math.min(this.remaining, remaining) : remaining - othersInFlight;
    }
    if (reset !== null) this.resetAtMs = reset;
  }

  /**
   * After a 429: how long to wait before retrying. A Retry-After is the server's own word: wait that
   * long and keep the budget the headers state (a burst limit, not a spent window). Without it the
   * window counts as spent: wait for the reset, or one second when no reset is known.
   */
  onThrottled(headers: Headers): number {
    this.throttledCount += 1;
    this.observe(headers);
    const now = this.now();
    const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
    if (retryAfter !== null) return retryAfter;
    const untilReset = this.resetAtMs !== null ? Math.max(0, this.resetAtMs - now) : null;
    this.remaining = 0;
    return untilReset ?? 1000;
  }

  async wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.waitMs += ms;
    await this.sleep(ms);
  }

  stats(): RateLimitStats {
    return {
      limit: this.limit,
      remaining: this.remaining,
      resetAt: this.resetAtMs === null ? null : new Date(this.resetAtMs),
      requestsMade: this.requestsMade,
      throttledCount: this.throttledCount,
      waitMs: this.waitMs,
    };
  }
}
