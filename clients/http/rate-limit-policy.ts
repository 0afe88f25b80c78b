import type { BucketLimit, RateLimitGate } from '../../platform/shared-rate-limits';

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

/** One request of a source's shared limit: the key it books under, and the limit as known now. */
export interface SharedLimit {
  gate: RateLimitGate;
  key: string;
  /** Null: no limit is known or configured, nothing to book. */
  limit: () => BucketLimit | null;
  /** Called while a booking is waited out, with the time still to wait (an activity heartbeats). */
  onWait?: (waitLeftMs: number) => void;
  /** Refuse (`RateLimitWaitTooLong`, nothing booked) rather than wait longer: a spent daily cap. */
  maxWaitMs?: number;
}

async function book(shared: SharedLimit): Promise<void> {
  const limit = shared.limit();
  if (limit) await shared.gate.acquire(shared.key, limit, { onWait: shared.onWait, maxWaitMs: shared.maxWaitMs });
}

/**
 * `policy` (what this process knows of the source: headers, in-flight calls) plus the source's limits
 * shared by every worker process: each request is booked in PostgreSQL after the process's own pacing,
 * first on each cap (e.g. a daily one, which refuses rather than waits), then on `shared`, the limit a
 * 429 is about: a wait the source asks for after a 429 holds every process.
 */
export function withSharedLimit(policy: RateLimitPolicy, shared: SharedLimit, ...caps: SharedLimit[]): RateLimitPolicy {
  return {
    acquire: async () => {
      const release = await policy.acquire();
      try {
        for (const cap of caps) await book(cap);
        await book(shared);
      } catch (error) {
        release(null);
        throw error;
      }
      return release;
    },
    retryDelayMs: (headers, attempt) => policy.retryDelayMs(headers, attempt),
    wait: async (ms) => {
      await shared.gate.pause(shared.key, ms);
      await policy.wait(ms);
    },
  };
}
