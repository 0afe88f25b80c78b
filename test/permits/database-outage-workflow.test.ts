import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { accelaIncrementalPullWorkflow } from '../../workflows/permits/incremental-pull';
import { startTimeSkipping, stubWorkers } from '../support/time-skipping';
import { bookkeepingStubs, pagesOf, pagingStub } from './permit-stubs';

/** What a page or a bookkeeping write throws while PostgreSQL is down: a plain, retryable error. */
const databaseDown = () => new Error('connect ECONNREFUSED 127.0.0.1:5432');

/** Wraps an activity so that its first `failures` calls throw as during an outage. */
function failingFirst<A extends unknown[], R>(failures: number, activity: (...args: A) => Promise<R>) {
  let calls = 0;
  const wrapped = async (...args: A): Promise<R> => {
    calls += 1;
    if (calls <= failures) throw databaseDown();
    return activity(...args);
  };
  return Object.assign(wrapped, { calls: () => calls });
}

describe('a pull through a long database outage (time-skipping, stubbed activities)', { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  test('a page and the job bookkeeping failing 20 times each still end the job completed, with exact counts', async () => {
    const bookkeeping = bookkeepingStubs();
    const pages = pagingStub(2);
    const startJob = failingFirst(20, bookkeeping.activities.startPermitPullJob);
    const pullPages = failingFirst(20, pages.pullPermitPages);
    const finishJob = failingFirst(20, bookkeeping.activities.finishPermitPullJob);
    const workers = await stubWorkers(env, {
      http: { ...bookkeeping.activities, startPermitPullJob: startJob, pullPermitPages: pullPages, finishPermitPullJob: finishJob },
    });
    const result = await workers.run(async () =>
      env.client.workflow.execute<typeof accelaIncrementalPullWorkflow>('accelaIncrementalPullWorkflow', {
        workflowId: `incremental-outage-${Date.now()}`,
        taskQueue: workers.queues.workflows,
        args: [{ countyId: 7, jobId: 21, dateFrom: '2024-01-01', dateTo: '2024-01-31' }],
      }),
    );
    assert.deepEqual(result.counts, pagesOf(2), 'each page counted once');
    assert.deepEqual([startJob.calls(), pullPages.calls(), finishJob.calls()], [21, 22, 21]);
    assert.deepEqual(bookkeeping.calls.finished, [{ jobId: 21, status: 'completed', errorMessage: null }]);
  });
});
