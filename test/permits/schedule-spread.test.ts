import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadSettings } from '../../config/settings';
import { incrementalScheduleOffsetMs } from '../../domain/permits/schedule-spread';
import { ensureIncrementalSchedule } from '../../schedules/permits';
import { incrementalScheduleId } from '../../workflows/permits/ids';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

const DAY_MS = 24 * 3600 * 1000;
const WEEK_MS = 7 * DAY_MS;

/** The largest gap between neighbouring offsets, going round the interval. */
function largestGap(offsets: number[], intervalMs: number): number {
  const sorted = [...offsets].sort((a, b) => a - b);
  return Math.max(...sorted.map((offset, i) => (i + 1 < sorted.length ? sorted[i + 1]! : sorted[0]! + intervalMs) - offset));
}

describe('incremental schedules are spread over the interval', () => {
  it('gives each county a stable offset, whole minutes, inside the interval', () => {
    for (const id of [1, 2, 3, 30, 1_000, 123_456]) {
      const offset = incrementalScheduleOffsetMs(id, WEEK_MS);
      assert.equal(offset, incrementalScheduleOffsetMs(id, WEEK_MS), 'the same on every start-up');
      assert.ok(offset >= 0 && offset < WEEK_MS);
      assert.equal(offset % 60_000, 0);
    }
  });

  it('spreads 30 consecutive counties evenly: no two within an hour, no gap above twice the even share', () => {
    const offsets = Array.from({ length: 30 }, (_, i) => incrementalScheduleOffsetMs(i + 1, WEEK_MS));
    const sorted = [...offsets].sort((a, b) => a - b);
    const smallestGap = Math.min(...sorted.slice(1).map((offset, i) => offset - sorted[i]!));
    assert.ok(smallestGap >= 3_600_000, `smallest gap ${smallestGap / 60_000} min`);
    assert.ok(largestGap(offsets, WEEK_MS) <= (2 * WEEK_MS) / 30, `largest gap ${largestGap(offsets, WEEK_MS) / 3_600_000} h`);
    // Also within each day: the fleet's runs fall in many different hours, not one.
    const hours = new Set(offsets.map((offset) => Math.floor((offset % DAY_MS) / 3_600_000)));
    assert.ok(hours.size >= 15, `hours of the day used: ${hours.size}`);
  });

  describe('on the Temporal server', () => {
    let env: TestWorkflowEnvironment;
    const countyIds = Array.from({ length: 12 }, (_, i) => 900_000 + i);
    before(async () => {
      env = await connectTestTemporal();
    });
    after(async () => {
      for (const id of countyIds) await env.client.schedule.getHandle(incrementalScheduleId(id)).delete().catch(() => undefined);
      await env.teardown();
    });

    it('keeps the schedule ids and sets each offset and the jitter; the next runs are not due together', async () => {
      const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ACCELA_SCHEDULE_JITTER_MINUTES: '45' });
      const queues = uniqueQueues('schedule-spread');
      const nextRuns: number[] = [];
      for (const countyId of countyIds) {
        assert.equal(await ensureIncrementalSchedule(env.client, settings, countyId, queues.workflows), `accela-incremental:county-${countyId}`);
        // Ensured again (every start-up does): the offset stays.
        await ensureIncrementalSchedule(env.client, settings, countyId, queues.workflows);
        const schedule = await env.client.schedule.getHandle(incrementalScheduleId(countyId)).describe();
        assert.equal(schedule.spec.intervals?.[0]?.every, WEEK_MS);
        assert.equal(schedule.spec.intervals?.[0]?.offset, incrementalScheduleOffsetMs(countyId, WEEK_MS));
        assert.equal(schedule.spec.jitter, 45 * 60_000);
        nextRuns.push(schedule.info.nextActionTimes[0]!.getTime());
      }
      const sorted = [...nextRuns].sort((a, b) => a - b);
      const smallestGap = Math.min(...sorted.slice(1).map((time, i) => time - sorted[i]!));
      assert.ok(smallestGap >= 30 * 60_000, `next runs at least half an hour apart, were ${smallestGap / 60_000} min`);
    });
  });
});
