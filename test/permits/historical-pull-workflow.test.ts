import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { permitYearWorkflowId } from '../../workflows/permits/ids';
import type { accelaHistoricalPullWorkflow, HistoricalPullInput } from '../../workflows/permits/historical-pull';
import { startTimeSkipping, stubWorkers } from '../support/time-skipping';
import { waitFor } from '../support/wait-for';
import { bookkeepingStubs, pagesOf, pagingStub } from './permit-stubs';

describe('historical pull workflow (time-skipping, stubbed activities)', { timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  const thisYear = new Date().getUTCFullYear();
  const input = (overrides: Partial<HistoricalPullInput> = {}): HistoricalPullInput => ({ countyId: 5, jobId: 11, years: 3, windowDays: 400, yearConcurrency: 1, ...overrides });
  const start = (queue: string, workflowId: string, args: HistoricalPullInput) =>
    env.client.workflow.start<typeof accelaHistoricalPullWorkflow>('accelaHistoricalPullWorkflow', { workflowId, taskQueue: queue, args: [args] });

  test('pulls the years oldest first, completes them, ensures the schedule and ends completed', async () => {
    const bookkeeping = bookkeepingStubs();
    const pages = pagingStub(2);
    const workers = await stubWorkers(env, { http: { ...bookkeeping.activities, ...pages.activities } });
    const result = await workers.run(async () => (await start(workers.queues.workflows, `historical-${Date.now()}`, input({ jobId: 11 }))).result());
    const years = [thisYear - 2, thisYear - 1, thisYear];
    assert.deepEqual(pages.seen.map((page) => page.progress.year), years.flatMap((year) => [year, year]));
    assert.deepEqual(bookkeeping.calls.yearsCompleted, years);
    assert.deepEqual(result, { status: 'completed', counts: pagesOf(6), scheduleId: 'accela-incremental:county-5' });
    assert.deepEqual(bookkeeping.calls.finished, [{ jobId: 11, status: 'completed', errorMessage: null }]);
  });

  test('on cancellation lets the page in flight finish and ends the job cancelled', async () => {
    const bookkeeping = bookkeepingStubs();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let pagesFinished = 0;
    const pages = pagingStub(1_000, async (page) => {
      if (page.cursor.offset === 2) await released;
      pagesFinished += 1;
    });
    const workers = await stubWorkers(env, { http: { ...bookkeeping.activities, ...pages.activities } });
    const outcome = await workers.run(async () => {
      const handle = await start(workers.queues.workflows, `historical-cancel-${Date.now()}`, input({ jobId: 12 }));
      await waitFor('the third page in flight', () => pages.seen.length === 3);
      await handle.cancel();
      const year = env.client.workflow.getHandle(permitYearWorkflowId(5, 12, thisYear - 2));
      await waitFor('the stop to reach the year in flight', async () =>
        (await year.fetchHistory()).events?.some((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'stopAfterPage'),
      );
      release();
      return handle.result().catch((error: unknown) => error);
    });
    assert.ok(outcome instanceof WorkflowFailedError && outcome.cause instanceof CancelledFailure, String(outcome));
    assert.equal(pages.seen.length, 3, 'no page after the one in flight');
    assert.equal(pagesFinished, 3, 'the page in flight finished');
    assert.deepEqual(bookkeeping.calls.yearsCompleted, []);
    assert.equal(bookkeeping.calls.schedulesEnsured, 0);
    assert.deepEqual(bookkeeping.calls.finished, [{ jobId: 12, status: 'cancelled', errorMessage: null }]);
  });

  test('a failing year ends the job failed with the root cause, and no later year starts', async () => {
    const bookkeeping = bookkeepingStubs();
    const pages = pagingStub(1, (page) => {
      if (page.progress.year === thisYear - 1) {
        throw ApplicationFailure.create({ type: 'AccelaApiError.auth', message: 'Accela invalid_userid_or_password: refused', nonRetryable: true });
      }
    });
    const workers = await stubWorkers(env, { http: { ...bookkeeping.activities, ...pages.activities } });
    const outcome = await workers.run(async () =>
      (await start(workers.queues.workflows, `historical-fail-${Date.now()}`, input({ jobId: 13 }))).result().catch((error: unknown) => error),
    );
    assert.ok(outcome instanceof WorkflowFailedError, String(outcome));
    assert.deepEqual(pages.seen.map((page) => page.progress.year), [thisYear - 2, thisYear - 1]);
    assert.deepEqual(bookkeeping.calls.yearsCompleted, [thisYear - 2]);
    assert.deepEqual(bookkeeping.calls.finished, [
      { jobId: 13, status: 'failed', errorMessage: 'AccelaApiError.auth: Accela invalid_userid_or_password: refused' },
    ]);
  });
});
