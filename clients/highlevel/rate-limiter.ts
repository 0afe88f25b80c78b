import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitHeaders } from './rate-limit-headers';

export interface RateLimiterOptions {
  max: number;
  intervalMs: number;
  /** Slack added to the window, so a request sent at its edge cannot land in the server's previous window. */
  safetyMs: number;
  now?: () => number;
}

/**
 * A sliding-window budget of `max` requests per `intervalMs` for one location, shared by every
 * request of the process. It also defers to what HighLevel reports: a smaller advertised limit,
 * no remaining requests (other clients use the same budget), a spent daily budget, a 429.
 */
export class RateLimiter {
  /**
   * One entry per request of the current window: `Infinity` while it is in flight, then the time its
   * answer came. A slot is reused an interval after the answer, never after the send: the server
   * counted the request at its arrival, which lies between the two, so network delays cannot
   * squeeze more than `max` requests into one of its windows.
   */
  private slots: number[] = [];
  private max: number;
  private readonly intervalMs: number;
  private pausedUntil = 0;
  private dailyRemaining: number | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.max = options.max;
    this.intervalMs = options.intervalMs;
    this.now = options.now ?? Date.now;
  }

  /** Waits until one more request fits the budget, books it, and returns the call that marks it answered. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const wait = this.waitMs();
      if (wait <= 0) {
        this.slots.push(Number.POSITIVE_INFINITY);
        if (this.dailyRemaining !== null) this.dailyRemaining -= 1;
        let answered = false;
        return () => {
          if (answered) return;
          answered = true;
          // In-flight markers are interchangeable: turn any one into this answer's time.
          const inFlight = this.slots.indexOf(Number.POSITIVE_INFINITY);
          if (inFlight >= 0) this.slots[inFlight] = this.now();
        };
      }
      await sleep(wait);
    }
  }

  /** Milliseconds until a request may be sent (0 = now). */
  waitMs(): number {
    const now = this.now();
    const window = this.intervalMs + this.options.safetyMs;
    this.slots = this.slots.filter((answeredAt) => answeredAt > now - window);
    if (this.pausedUntil > now) return this.pausedUntil - now;
    if (this.slots.length < this.max) return 0;
    const earliestFree = Math.min(...this.slots) + window;
    // Every slot in flight: try again shortly (an answer frees one an interval later at the earliest).
    return Number.isFinite(earliestFree) ? Math.max(1, earliestFree - now) : Math.min(50, window);
  }

  isDailyBudgetSpent(): boolean {
    return this.dailyRemaining !== null && this.dailyRemaining <= 0;
  }

  /** Adopts the server's view after each response. */
  observe(headers: RateLimitHeaders): void {
    if (headers.max !== null && headers.max > 0 && headers.max < this.max) this.max = headers.max;
    if (headers.dailyRemaining !== null) this.dailyRemaining = headers.dailyRemaining;
    if (headers.remaining !== null && headers.remaining <= 0) {
      // Someone else may share the budget: hold until our oldest answer leaves the window (or one interval).
      const answered = this.slots.filter(Number.isFinite);
      const until = answered.length === 0 ? this.now() + this.intervalMs : Math.min(...answered) + this.intervalMs + this.options.safetyMs;
      this.pausedUntil = Math.max(this.pausedUntil, until);
    }
  }

  /**
   * After a 429 without `Retry-After`: how long until HighLevel's window allows the next call.
   * - Requests remain in the window (`X-RateLimit-Remaining` > 0): the refusal was not about the
   *   budget, so only this request waits, one request's share of the window, doubling with each retry.
   * - None remain: every request of the process waits until our oldest answer leaves the window
   *   (`observe` has set that hold already).
   * - No headers: the advertised interval, else a growing backoff, for everyone.
   */
  waitAfterRateLimit(headers: RateLimitHeaders, attempt: number): number {
    const intervalMs = headers.intervalMs ?? this.intervalMs;
    const shareMs = intervalMs / (headers.max !== null && headers.max > 0 ? headers.max : this.max);
    if (headers.remaining !== null && headers.remaining > 0) return Math.min(intervalMs, shareMs * 2 ** attempt);
    if (headers.remaining === 0) return Math.max(this.waitMs(), shareMs);
    const waitMs = headers.intervalMs ?? 1000 * 2 ** attempt;
    this.pause(waitMs);
    return waitMs;
  }

  /** After a 429: nobody in this process sends for `ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}

const limiters = new Map<string, RateLimiter>();

/** The process-wide limiter of one location at one base URL (every activity of the worker shares it). */
export function sharedRateLimiter(key: string, options: RateLimiterOptions): RateLimiter {
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new RateLimiter(options);
    limiters.set(key, limiter);
  }
  return limiter;
}
