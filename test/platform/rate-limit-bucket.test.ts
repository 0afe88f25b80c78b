import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_BUCKET, limitForWindow, pauseBucket, takeFromBucket, type BucketLimit, type BucketState } from '../../platform/rate-limit-bucket';
import { seededRandom } from '../../simulators/accela/random';
import { mostInAnyWindow } from '../support/rate-windows';

/** Books `count` requests arriving at the given times; returns the send time each was given. */
function bookAll(limit: BucketLimit, arrivals: number[], start: BucketState = EMPTY_BUCKET): number[] {
  let state = start;
  return arrivals.map((now) => {
    const take = takeFromBucket(state, limit, now);
    state = take.state!;
    return now + take.waitMs;
  });
}

describe('rate-limit bucket (GCRA)', () => {
  it('lets a burst through at once, then spaces requests by the rate', () => {
    const sends = bookAll({ perSecond: 10, burst: 3 }, [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(sends, [0, 0, 0, 100, 200, 300]);
  });

  it('refills while idle: after a quiet spell the burst is available again, never more', () => {
    const limit = { perSecond: 10, burst: 2 };
    const sends = bookAll(limit, [0, 0, 0, 10_000, 10_000, 10_000]);
    assert.deepEqual(sends, [0, 0, 100, 10_000, 10_000, 10_100]);
  });

  it('holds every booking until a pause ends, and a pause never shortens', () => {
    const paused = pauseBucket(pauseBucket(EMPTY_BUCKET, 5_000), 1_000);
    assert.equal(paused.pausedUntilMs, 5_000);
    assert.deepEqual(bookAll({ perSecond: 10, burst: 2 }, [0, 0, 0], paused), [5_000, 5_000, 5_100]);
  });

  it('refuses a booking further off than the caller accepts, and such a refusal costs nothing', () => {
    const limit = { perSecond: 1, burst: 1 };
    const first = takeFromBucket(EMPTY_BUCKET, limit, 0);
    const refused = takeFromBucket(first.state!, limit, 0, 500);
    assert.equal(refused.state, null);
    assert.equal(refused.waitMs, 1_000);
    assert.equal(takeFromBucket(first.state!, limit, 1_000, 500).waitMs, 0, 'the refused call took no token');
  });

  it('rejects limits that cannot be kept', () => {
    assert.throws(() => takeFromBucket(EMPTY_BUCKET, { perSecond: 0, burst: 1 }, 0), RangeError);
    assert.throws(() => takeFromBucket(EMPTY_BUCKET, { perSecond: 1, burst: 0 }, 0), RangeError);
    assert.throws(() => limitForWindow(0, 1000), RangeError);
  });

  for (const [max, windowMs] of [[1, 1000], [7, 2000], [40, 2000], [100, 10_000], [10_000, 3_600_000]] as const) {
    it(`limitForWindow keeps ${max} per ${windowMs} ms in every sliding window, under random arrivals`, () => {
      const limit = limitForWindow(max, windowMs);
      const random = seededRandom(`bucket-${max}-${windowMs}`);
      const arrivals: number[] = [];
      let now = 0;
      for (let i = 0; i < 5 * max; i++) {
        // About three times the limit on average, in clumps.
        now += random() < 0.5 ? (random() * windowMs) / (1.5 * max) : 0;
        arrivals.push(now);
      }
      const sends = bookAll(limit, arrivals);
      assert.ok(mostInAnyWindow(sends, windowMs) <= max, `at most ${max} per window`);
      // ... and uses most of it: the demand is above the limit.
      const span = Math.max(...sends) - Math.min(...sends);
      const perWindow = arrivals.length / (span / windowMs + 1);
      assert.ok(perWindow >= max * 0.6, `close to the limit when the demand is there: ${perWindow} per window`);
    });
  }

  it('with safetyMs, a request delayed on its way by up to that long still lands within the limit', () => {
    const limit = limitForWindow(10, 1000, { safetyMs: 200 });
    const random = seededRandom('bucket-safety');
    const sends = bookAll(limit, Array.from({ length: 200 }, () => 0));
    const arrivalsAtServer = sends.map((send) => send + random() * 200);
    assert.ok(mostInAnyWindow(arrivalsAtServer, 1000) <= 10);
  });

  it('one bucket per process (the old per-process limiting) lets N processes send N times the limit', () => {
    const limit = limitForWindow(20, 1000);
    const demand = Array.from({ length: 200 }, () => 0);
    const perProcess = [bookAll(limit, demand), bookAll(limit, demand), bookAll(limit, demand)].flat();
    assert.ok(mostInAnyWindow(perProcess, 1000) > 20 * 2.5, 'three private buckets: about three times the limit');
    assert.ok(mostInAnyWindow(bookAll(limit, [...demand, ...demand, ...demand]), 1000) <= 20, 'one shared bucket: the limit');
  });
});
