import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadSettings } from '../../config/settings';
import { ensureIncrementalSchedule } from '../../schedules/permits';
import { incrementalScheduleId } from '../../workflows/permits/ids';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

/**
 * A schedule says in the Web UI what it runs and for whom (its note), and the runs it starts carry
 * their summary and details; start-up keeps the note following the definition, but never overwrites
 * the note of a schedule an operator paused.
 */
describe('schedule notes (real Temporal dev server)', () => {
  let temporal: TestWorkflowEnvironment;
  const queues = uniqueQueues('notes');
  const countyId = randomInt(1_000_000_000, 2_000_000_000);
  const scheduleId = incrementalScheduleId(countyId);

  before(async () => {
    temporal = await connectTestTemporal();
  });
  after(async () => {
    await temporal?.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await temporal?.teardown();
  });

  it('notes what a county’s weekly pull runs, follows the definition, and keeps an operator’s pause note', async () => {
    const ensure = (env: Record<string, string>) =>
      ensureIncrementalSchedule(temporal.client, loadSettings({ ...process.env, CRM_AUTO_SYNC: 'false', ...env }), countyId, queues.workflows, 'Pinellas County');
    await ensure({ ACCELA_INCREMENTAL_WINDOW_DAYS: '8' });
    const handle = temporal.client.schedule.getHandle(scheduleId);
    const created = await handle.describe();
    assert.match(created.state.note ?? '', new RegExp(`^Every \\d+ days: incremental Accela permit pull for Pinellas County \\(county ${countyId}\\), the 8 days before each run`));
    assert.equal(created.action.type === 'startWorkflow' && created.action.staticSummary, 'Pinellas County · weekly incremental permit pull');
    assert.match((created.action.type === 'startWorkflow' && created.action.staticDetails) || '', /the 8 days before the scheduled time/);

    await ensure({ ACCELA_INCREMENTAL_WINDOW_DAYS: '10' });
    assert.match((await handle.describe()).state.note ?? '', /the 10 days before each run/, 'a running schedule’s note follows the definition');

    await handle.pause('paused by ops: county API migration');
    await ensure({ ACCELA_INCREMENTAL_WINDOW_DAYS: '12' });
    const paused = await handle.describe();
    assert.equal(paused.state.paused, true);
    assert.equal(paused.state.note, 'paused by ops: county API migration');
    assert.match((paused.action.type === 'startWorkflow' && paused.action.staticDetails) || '', /the 12 days before the scheduled time/, 'the definition itself is updated');
  });
});
