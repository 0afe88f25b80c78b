/**
 * The arithmetic of one shared rate-limit bucket, as the generic cell rate algorithm (GCRA): a token
 * bucket kept as a single instant, `nextFreeAtMs`, the time the bucket would be full again. Every taker
 * books its own send time (now, or later when the bucket is empty) and moves the instant on by one
 * request's share, so callers that come at once are spaced out rather than sent together. Pure: the
 * caller (platform/shared-rate-limits.ts) reads and writes the state under a row lock.
 */

/** `perSecond` requests per second on average, at most `burst` at once after a quiet spell. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

export interface BucketState {
  /** When the bucket would hold `burst` tokens again (epoch ms); in the past it is simply full. */
  nextFreeAtMs: number;
  /** Nobody sends before this (epoch ms): the source said its budget is spent. */
  pausedUntilMs: number;
}

export interface BucketTake {
  /** The state to store, or null when the take was refused (nothing to store). */
  state: BucketState | null;
  /** How long the caller waits before sending (its booked send time minus now). */
  waitMs: number;
}

export const EMPTY_BUCKET: BucketState = { nextFreeAtMs: 0, pausedUntilMs: 0 };

function intervalMs(limit: BucketLimit): number {
  return 1000 / limit.perSecond;
}

/**
 * Books one request at the earliest time the bucket allows: after any pause, and once a token is there.
 * With `maxWaitMs` a booking further off than that is refused (`state: null`) and costs nothing.
 * Any span of `t` ms then holds at most `burst + t × perSecond / 1000` booked sends.
 */
export function takeFromBucket(state: BucketState, limit: BucketLimit, nowMs: number, maxWaitMs = Number.POSITIVE_INFINITY): BucketTake {
  if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError(`invalid bucket limit ${JSON.stringify(limit)}`);
  const interval = intervalMs(limit);
  const tolerance = (limit.burst - 1) * interval;
  const sendAtMs = Math.max(nowMs, state.pausedUntilMs, state.nextFreeAtMs - tolerance);
  const waitMs = sendAtMs - nowMs;
  if (waitMs > maxWaitMs) return { state: null, waitMs };
  return { state: { nextFreeAtMs: Math.max(state.nextFreeAtMs, sendAtMs) + interval, pausedUntilMs: state.pausedUntilMs }, waitMs };
}

/** Holds every later booking until `untilMs` (a pause never shortens one already set). */
export function pauseBucket(state: BucketState, untilMs: number): BucketState {
  return { ...state, pausedUntilMs: Math.max(state.pausedUntilMs, untilMs) };
}

/**
 * The bucket that keeps a source's "at most `max` requests per `windowMs`" in every window, sliding or
 * fixed. A GCRA bucket lets at most `burst − 1 + ⌈window × rate⌉` sends into any window shorter than
 * `window`, so the rate is `(max − burst + 1) / window`. `safetyMs` widens the window by the spread between sending a
 * request and the server counting it (network delay), so no server window ever counts more than `max`.
 * The burst is a small share of the budget: bookings stay spread out over the window.
 */
export function limitForWindow(max: number, windowMs: number, options: { safetyMs?: number; burstShare?: number } = {}): BucketLimit {
  if (!(max >= 1) || !(windowMs > 0)) throw new RangeError(`invalid window limit: ${max} per ${windowMs} ms`);
  const burst = Math.max(1, Math.floor(max * (options.burstShare ?? 0.1)));
  // One more millisecond keeps sends exactly one window apart from falling into one window by rounding.
  const spanMs = windowMs + (options.safetyMs ?? 0) + 1;
  return { burst, perSecond: ((max - burst + 1) * 1000) / spanMs };
}
