import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { acquireScraperSlot } from '../../activities/listings/scraper-slots';
import { createPool, type Database } from '../../platform/database';
import { limitForWindow, RateLimitWaitTooLong, SharedRateLimits } from '../../platform/shared-rate-limits';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { mostInAnyWindow } from '../support/rate-windows';

describe('shared rate limits in PostgreSQL', () => {
  let database: TestDatabase;
  /** Three pools stand for three worker processes: separate connections, one table. */
  let pools: Database[];

  before(async () => {
    database = await createTestDatabase('shared_limits');
    pools = [0, 1, 2].map((n) => createPool(database.url, { max: 4, applicationName: `limits-process-${n}` }));
  });
  after(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database.drop();
  });

  it('three processes booking from one key together stay within its limit in every window', async () => {
    // The slack covers timers firing late on a loaded machine: a send is never early, but a late one can
    // land next to its successor, as network delay does at a server.
    const limit = limitForWindow(10, 1000, { safetyMs: 300 });
    const sends: number[] = [];
    await Promise.all(
      pools.flatMap((pool) => {
        const limits = new SharedRateLimits(pool);
        return Array.from({ length: 12 }, async () => {
          await limits.acquire('test:host:shared', limit);
          sends.push(Date.now());
        });
      }),
    );
    assert.equal(sends.length, 36);
    assert.ok(mostInAnyWindow(sends, 1000) <= 10, `most sends in one second: ${mostInAnyWindow(sends, 1000)}`);
    const spanMs = Math.max(...sends) - Math.min(...sends);
    assert.ok(spanMs >= 2_500, `36 sends at 10/s (burst 1) take at least 2.5 s, took ${spanMs} ms`);
    const { rows } = await database.db.query('SELECT requests_booked FROM rate_limit_buckets WHERE key = $1', ['test:host:shared']);
    assert.equal(rows[0].requests_booked, 36);
  });

  it('keys are independent: a busy key does not slow another', async () => {
    const limits = new SharedRateLimits(pools[0]!);
    const slow = { perSecond: 0.5, burst: 1 };
    await limits.acquire('test:slow', slow);
    const started = Date.now();
    await limits.acquire('test:other', slow);
    assert.ok(Date.now() - started < 1_000);
  });

  it('a pause set by one process holds the others, and heartbeats the wait', async () => {
    const limit = { perSecond: 100, burst: 5 };
    await new SharedRateLimits(pools[0]!).pause('test:paused', 1_200);
    const started = Date.now();
    let beats = 0;
    await new SharedRateLimits(pools[1]!).acquire('test:paused', limit, { onWait: () => (beats += 1), onWaitEveryMs: 300 });
    assert.ok(Date.now() - started >= 1_100, 'waited for the pause to end');
    assert.ok(beats >= 2, `heartbeats while waiting: ${beats}`);
  });

  it('refuses a wait longer than the caller accepts, booking nothing', async () => {
    const daily = { perSecond: 1 / 3600, burst: 2 };
    const limits = new SharedRateLimits(pools[2]!);
    await limits.acquire('test:daily', daily, { maxWaitMs: 0 });
    await limits.acquire('test:daily', daily, { maxWaitMs: 0 });
    await assert.rejects(limits.acquire('test:daily', daily, { maxWaitMs: 60_000 }), RateLimitWaitTooLong);
    const { rows } = await database.db.query('SELECT requests_booked FROM rate_limit_buckets WHERE key = $1', ['test:daily']);
    assert.equal(rows[0].requests_booked, 2);
  });

  it('a cancelled wait ends at once', async () => {
    const limits = new SharedRateLimits(pools[0]!);
    await limits.pause('test:cancelled', 60_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    await assert.rejects(limits.acquire('test:cancelled', { perSecond: 1, burst: 1 }, { signal: controller.signal }), /cancelled|abort/i);
  });
});

describe('MAX_CONCURRENT_SCRAPERS across processes', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('scraper_slots');
  });
  after(async () => database.drop());

  it('three processes (pools) together hold at most maxSlots slots; a released slot goes to a waiter', async () => {
    const pools = [0, 1, 2].map((n) => createPool(database.url, { max: 2, applicationName: `slots-process-${n}` }));
    try {
      const signal = new AbortController().signal;
      const first = await acquireScraperSlot(pools[0]!, 2, { signal });
      const second = await acquireScraperSlot(pools[1]!, 2, { signal });
      assert.notEqual(first.slot, second.slot);
      let third: Awaited<ReturnType<typeof acquireScraperSlot>> | null = null;
      const waiting = acquireScraperSlot(pools[2]!, 2, { signal, pollMs: 100 }).then((slot) => (third = slot));
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(third, null, 'the third process waits while both slots are held elsewhere');
      await first.release();
      await waiting;
      assert.equal(third!.slot, first.slot);
      await second.release();
      await third!.release();
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
