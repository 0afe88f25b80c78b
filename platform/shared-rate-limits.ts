import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, withTransaction } from './database';
import { type BucketLimit, type BucketState, EMPTY_BUCKET, pauseBucket, takeFromBucket } from './rate-limit-bucket';

export type { BucketLimit } from './rate-limit-bucket';
export { limitForWindow } from './rate-limit-bucket';

/** A booking further off than the caller accepts (e.g. a spent daily cap): nothing was booked. */
export class RateLimitWaitTooLong extends Error {
  constructor(
    readonly key: string,
    readonly waitMs: number,
  ) {
    super(`rate limit ${key} would make this request wait ${Math.round(waitMs / 1000)} s`);
    this.name = 'RateLimitWaitTooLong';
  }
}

export interface AcquireOptions {
  /** Refuse with `RateLimitWaitTooLong` rather than book a send further off than this. */
  maxWaitMs?: number;
  /**
   * Called when a wait begins and at least every `onWaitEveryMs` while it lasts, with the time still to wait: an
   * activity heartbeats here (and may tell its workflow what it waits for).
   */
  onWait?: (waitLeftMs: number) => void;
  onWaitEveryMs?: number;
  signal?: AbortSignal;
}

/** What a client needs of the shared limits (tests of a client alone may pass an in-memory one). */
export interface RateLimitGate {
  /** Resolves when one request under `key` may be sent; every process books from the same bucket. */
  acquire(key: string, limit: BucketLimit, options?: AcquireOptions): Promise<void>;
  /** Nobody sends under `key` for `ms` from now (the source said its budget is spent). */
  pause(key: string, ms: number): Promise<void>;
}

interface BucketRow {
  next_free_at_ms: number;
  paused_until_ms: number;
  now_ms: number;
}

const DEFAULT_ON_WAIT_EVERY_MS = 5_000;

/**
 * Rate limits that hold across every worker process: one row of `rate_limit_buckets` per key, booked
 * under its row lock in one short transaction (the arithmetic is platform/rate-limit-bucket.ts, the
 * clock PostgreSQL's), then waited out in this process. A key names what the source limits, e.g.
 * `accela:agency:<app>:<agency>` or `cepik:host:<host>`; the caller passes the limit with every call,
 * so a changed setting applies at once. A booking that is never sent (the caller was cancelled while
 * waiting) is simply not used: the bucket errs on the slow side.
 */
export class SharedRateLimits implements RateLimitGate {
  constructor(private readonly db: Database) {}

  async acquire(key: string, limit: BucketLimit, options: AcquireOptions = {}): Promise<void> {
    const waitMs = await this.book(key, limit, options.maxWaitMs);
    await waitOut(waitMs, options);
  }

  /** Books one send under `key` and returns how long to wait for it (throws when over `maxWaitMs`). */
  async book(key: string, limit: BucketLimit, maxWaitMs?: number): Promise<number> {
    return this.underLock(key, async (state, nowMs, save) => {
      const take = takeFromBucket(state, limit, nowMs, maxWaitMs);
      if (take.state === null) throw new RateLimitWaitTooLong(key, take.waitMs);
      await save(take.state, take.waitMs);
      return take.waitMs;
    });
  }

  async pause(key: string, ms: number): Promise<void> {
    await this.underLock(key, (state, nowMs, save) => save(pauseBucket(state, nowMs + ms), null));
  }

  /** The bucket's row, locked for the transaction (created on first use), and how to write it back. */
  private async underLock<T>(
    key: string,
    work: (state: BucketState, nowMs: number, save: (state: BucketState, bookedWaitMs: number | null) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    return withTransaction(this.db, async (client) => {
      // The no-op update of an existing row takes its lock, like SELECT … FOR UPDATE, in the same statement.
      const { rows } = await client.query<BucketRow>(
        `INSERT INTO rate_limit_buckets (key) VALUES ($1)
         ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
         RETURNING next_free_at_ms, paused_until_ms, extract(epoch FROM clock_timestamp()) * 1000 AS now_ms`,
        [key],
      );
      const row = rows[0]!;
      return work({ nextFreeAtMs: row.next_free_at_ms, pausedUntilMs: row.paused_until_ms }, Number(row.now_ms), async (state, bookedWaitMs) => {
        await client.query(
          `UPDATE rate_limit_buckets
              SET next_free_at_ms = $2, paused_until_ms = $3, updated_at = now(),
                  requests_booked = requests_booked + $4, wait_ms_total = wait_ms_total + $5
            WHERE key = $1`,
          [key, state.nextFreeAtMs, state.pausedUntilMs, bookedWaitMs === null ? 0 : 1, bookedWaitMs ?? 0],
        );
      });
    });
  }
}

/**
 * The same buckets kept in this process only: for a client used outside the workers (tests, one-off
 * tools), where no other process sends under the same key.
 */
export class LocalRateLimits implements RateLimitGate {
  private readonly buckets = new Map<string, BucketState>();

  async acquire(key: string, limit: BucketLimit, options: AcquireOptions = {}): Promise<void> {
    const take = takeFromBucket(this.buckets.get(key) ?? EMPTY_BUCKET, limit, Date.now(), options.maxWaitMs);
    if (take.state === null) throw new RateLimitWaitTooLong(key, take.waitMs);
    this.buckets.set(key, take.state);
    await waitOut(take.waitMs, options);
  }

  async pause(key: string, ms: number): Promise<void> {
    this.buckets.set(key, pauseBucket(this.buckets.get(key) ?? EMPTY_BUCKET, Date.now() + ms));
  }
}

/** Sleeps `ms` in slices, calling `onWait` before each (a long wait keeps an activity's heartbeat). */
async function waitOut(ms: number, options: AcquireOptions): Promise<void> {
  const slice = options.onWaitEveryMs ?? DEFAULT_ON_WAIT_EVERY_MS;
  let left = ms;
  while (left > 0) {
    options.onWait?.(left);
    const step = Math.min(left, slice);
    await sleep(step, undefined, { signal: options.signal });
    left -= step;
  }
}
