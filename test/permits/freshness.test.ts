import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataFreshness, type FreshnessInput } from '../../domain/permits/freshness';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const now = new Date('2026-12-03T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const pulled = (finishedAgo: number, tookMs = HOUR) => ({ startedAt: ago(finishedAgo + tookMs), finishedAt: ago(finishedAgo) });
const input = (overrides: Partial<FreshnessInput>): FreshnessInput => ({
  lastSuccessfulPull: null, lastFailedPullAt: null, sourceModifiedAt: null, now, pullIntervalMs: 7 * DAY, ...overrides,
});

describe('data freshness', () => {
  it('is never_pulled before any pull has finished, failing when the only pulls failed', () => {
    assert.deepEqual(dataFreshness(input({})), { status: 'never_pulled', reason: 'no pull has finished yet' });
    const failed = dataFreshness(input({ lastFailedPullAt: ago(HOUR) }));
    assert.equal(failed.status, 'failing');
    assert.match(failed.reason!, /none has succeeded/);
  });

  it('is failing when the newest finished pull failed, current again once a later pull succeeds', () => {
    assert.equal(dataFreshness(input({ lastSuccessfulPull: pulled(3 * DAY), lastFailedPullAt: ago(DAY) })).status, 'failing');
    assert.equal(dataFreshness(input({ lastSuccessfulPull: pulled(DAY), lastFailedPullAt: ago(3 * DAY) })).status, 'current');
  });

  it('is current up to the interval plus a day of slack after the last success, stale past it (Accela: no source time)', () => {
    assert.deepEqual(dataFreshness(input({ lastSuccessfulPull: pulled(8 * DAY - HOUR) })), { status: 'current', reason: null });
    const stale = dataFreshness(input({ lastSuccessfulPull: pulled(8 * DAY + HOUR) }));
    assert.equal(stale.status, 'stale');
    assert.match(stale.reason!, /no successful pull for 8 days \(expected every 7 days\)/);
    assert.equal(dataFreshness(input({ lastSuccessfulPull: pulled(2 * DAY + HOUR), pullIntervalMs: DAY })).status, 'stale');
  });

  it('is stale when the source changed after the last successful pull began and that change is over a day old', () => {
    const success = pulled(3 * DAY);
    const changedAfter = dataFreshness(input({ lastSuccessfulPull: success, sourceModifiedAt: ago(2 * DAY) }));
    assert.equal(changedAfter.status, 'stale');
    assert.match(changedAfter.reason!, /the source changed at .* after the last successful pull began/);
    // Changed less than a day ago: the next scheduled pull will take it.
    assert.equal(dataFreshness(input({ lastSuccessfulPull: success, sourceModifiedAt: ago(12 * HOUR) })).status, 'current');
    // Changed during the pull (after it began): the pull may have missed it.
    assert.equal(dataFreshness(input({ lastSuccessfulPull: pulled(3 * DAY, 2 * DAY), sourceModifiedAt: ago(4 * DAY) })).status, 'stale');
    // Changed before the pull began: the pull saw it.
    assert.equal(dataFreshness(input({ lastSuccessfulPull: success, sourceModifiedAt: ago(5 * DAY) })).status, 'current');
  });
});
