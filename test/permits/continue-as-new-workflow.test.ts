import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { temporal as temporalEnums } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PENDING_LEADS_SYNC_WORKFLOW_ID } from '../../workflows/crm/workflow-ids';
import type { accelaIncrementalPullWorkflow, IncrementalPullInput } from '../../workflows/permits/incremental-pull';
import type { accelaYearPullWorkflow, YearPullInput } from '../../workflows/permits/year-pull';
import { startTimeSkipping, stubWorkers } from '../support/time-skipping';
import { bookkeepingStubs, continuedAsNewInput, pagesOf, pagingStub } from './permit-stubs';

describe('permit pulls continue as new (time-skipping, stubbed activities)', { timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  test('a year pull continues as new after maxPagesPerRun pages, carrying its cursor and counts exactly', async () => {
    const pages = pagingStub(5);
    const workers = await stubWorkers(env, { http: { ...pages.activities } });
    const workflowId = `year-pull-${Date.now()}`;
    const { result, firstRunId } = await workers.run(async () => {
      const handle = await env.client.workflow.start<typeof accelaYearPullWorkflow>('accelaYearPullWorkflow', {
        workflowId,
        taskQueue: workers.queues.workflows,
        args: [{ countyId: 3, jobId: 4, year: 2020, yearIndex: 0, yearsTotal: 1, today: '2026-06-01', windowDays: 400, maxPagesPerRun: 2 }],
      });
      return { result: await handle.result(), firstRunId: handle.firstExecutionRunId };
    });
    assert.deepEqual(pages.seen.map((page) => page.cursor.offset), [0, 1, 2, 3, 4], 'every page once, in order');
    assert.deepEqual(result, { counts: pagesOf(5), batches: 5, stopped: false });
    const carried = await continuedAsNewInput<YearPullInput>(env, workflowId, firstRunId);
    assert.equal(carried.cursor?.offset, 2);
    assert.deepEqual(carried.counts, pagesOf(2));
    assert.equal(carried.batches, 2);
    assert.equal(carried.maxPagesPerRun, 2);
  });

  test('a year pull fetches several pages per activity, never past maxPagesPerRun, and counts every page', async () => {
    const pages = pagingStub(7, undefined, 3);
    const workers = await stubWorkers(env, { http: pages.activities });
    const workflowId = `year-pull-pages-${Date.now()}`;
    const { result, firstRunId } = await workers.run(async () => {
      const handle = await env.client.workflow.start<typeof accelaYearPullWorkflow>('accelaYearPullWorkflow', {
        workflowId,
        taskQueue: workers.queues.workflows,
        args: [{ countyId: 3, jobId: 5, year: 2020, yearIndex: 0, yearsTotal: 1, today: '2026-06-01', windowDays: 400, maxPagesPerRun: 4 }],
      });
      return { result: await handle.result(), firstRunId: handle.firstExecutionRunId };
    });
    assert.deepEqual(pages.seen.map((page) => page.cursor.offset), [0, 1, 2, 3, 4, 5, 6], 'every page once, in order');
    assert.deepEqual(pages.activityCalls.map((call) => [call.cursor.offset, call.maxPages]), [[0, 4], [3, 1], [4, 4]], 'three pages, then the one left in the run');
    assert.deepEqual(result, { counts: pagesOf(7), batches: 7, stopped: false });
    const carried = await continuedAsNewInput<YearPullInput>(env, workflowId, firstRunId);
    assert.equal(carried.cursor?.offset, 4);
    assert.equal(carried.batches, 4);
  });

  test('an incremental pull continues as new with its job, then starts the CRM sync once it completes', async () => {
    const bookkeeping = bookkeepingStubs();
    const pages = pagingStub(3);
    const workers = await stubWorkers(env, { http: { ...bookkeeping.activities, ...pages.activities } });
    const workflowId = `incremental-${Date.now()}`;
    const { result, firstRunId } = await workers.run(async () => {
      const handle = await env.client.workflow.start<typeof accelaIncrementalPullWorkflow>('accelaIncrementalPullWorkflow', {
        workflowId,
        taskQueue: workers.queues.workflows,
        args: [{ countyId: 3, jobId: 8, dateFrom: '2024-01-01', dateTo: '2024-01-31', maxPagesPerRun: 2, autoSyncToCrm: true }],
      });
      return { result: await handle.result(), firstRunId: handle.firstExecutionRunId };
    });
    assert.deepEqual(pages.seen.map((page) => [page.jobId, page.cursor.offset]), [[8, 0], [8, 1], [8, 2]]);
    assert.deepEqual(result, { status: 'completed', counts: pagesOf(3), dateFrom: '2024-01-01', dateTo: '2024-01-31' });
    const carried = await continuedAsNewInput<IncrementalPullInput>(env, workflowId, firstRunId);
    assert.equal(carried.resume?.jobId, 8);
    assert.equal(carried.resume?.cursor.offset, 2);
    assert.deepEqual(carried.resume?.counts, pagesOf(2));
    assert.equal(carried.resume?.batches, 2);
    assert.deepEqual(bookkeeping.calls.finished, [{ jobId: 8, status: 'completed', errorMessage: null }], 'one job, finished once');

    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.map((event) => event.startChildWorkflowExecutionInitiatedEventAttributes).find(Boolean);
    assert.equal(started?.workflowType?.name, 'syncLeadsToCrmWorkflow');
    assert.equal(started?.workflowId, PENDING_LEADS_SYNC_WORKFLOW_ID);
    assert.equal(started?.parentClosePolicy, temporalEnums.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON);
    await env.client.workflow.getHandle(PENDING_LEADS_SYNC_WORKFLOW_ID).terminate('permit test over').catch(() => undefined);
  });
});
