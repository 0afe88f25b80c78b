import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BrandPullInput, PullCursor, ReportToSave } from '../../activities/registrations/activities';
import { rootCauseMessage } from '../../temporal/root-cause';
import type { cepikLeaseExpiryReportWorkflow, LeaseExpiryReportInput } from '../../workflows/registrations/lease-expiry-report';
import { startTimeSkipping, type StubWorkers, stubWorkers } from '../support/time-skipping';

/** Three years: two window parts, since CEPiK refuses a range of two years or more. */
const THREE_YEARS = { from: '2021-01-01', to: '2023-12-31' };
const ONE_PART = { from: '2023-09-24', to: '2023-11-23' };

const inputFor = (overrides: Partial<LeaseExpiryReportInput>): LeaseExpiryReportInput => ({
  regionCode: '24',
  monthsBack: 36,
  windowMonths: 2,
  brands: ['TESLA', 'BMW', 'MERCEDES-BENZ', 'AUDI', 'VOLVO'],
  window: ONE_PART,
  brandConcurrency: 2,
  maxAttempts: 5,
  ...overrides,
});

const finished = (pages: number): PullCursor => ({ nextUrl: null, pages, received: pages * 10, rejected: 0 });

/** An activity that pulls until the workflow (or the worker's shutdown) cancels it. */
const pullUntilCancelled = async (): Promise<never> => {
  const { cancellationSignal } = Context.current();
  await new Promise((resolve) => cancellationSignal.addEventListener('abort', resolve, { once: true }));
  throw cancellationSignal.reason;
};

/** A promise with its resolver, for one stub to wait until another has started. */
function signal() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('lease-expiry report workflow (time-skipping, stubbed activities)', { timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  const start = (workers: StubWorkers, name: string, input: LeaseExpiryReportInput) =>
    env.client.workflow.start<typeof cepikLeaseExpiryReportWorkflow>('cepikLeaseExpiryReportWorkflow', {
      workflowId: `lease-expiry-${name}-${Date.now()}`,
      taskQueue: workers.queues.workflows,
      args: [input],
    });

  test('pulls every brand and window part, never more than brandConcurrency at once, and saves the report', async () => {
    const pulls: BrandPullInput[] = [];
    const saved: ReportToSave[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const workers = await stubWorkers(env, {
      http: {
        async pullBrandRegistrations(input: BrandPullInput) {
          pulls.push(input);
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          await sleep(20);
          inFlight -= 1;
          return finished(3);
        },
        async saveLeaseExpiryReport(report: ReportToSave) {
          saved.push(report);
          return { reportId: 7, total: 99 };
        },
        async recordLeaseExpiryFailure() {
          assert.fail('a successful run records no failure');
        },
      },
    });
    const { result, handle } = await workers.run(async () => {
      const handle = await start(workers, 'success', inputFor({ window: THREE_YEARS }));
      return { result: await handle.result(), handle };
    });

    assert.deepEqual(result, { reportId: 7, total: 99, window: THREE_YEARS, pages: 5 * 2 * 3 });
    assert.equal(mostInFlight, 2, 'two brands at a time, as brandConcurrency says');
    assert.equal(pulls.length, 10, 'five brands × two window parts');
    for (const brand of inputFor({}).brands) {
      assert.deepEqual(
        pulls.filter((pull) => pull.brand === brand).map((pull) => pull.window),
        [
          { from: '2021-01-01', to: '2022-12-31' },
          { from: '2023-01-01', to: '2023-12-31' },
        ],
        brand,
      );
    }
    assert.equal(saved.length, 1);
    assert.deepEqual(saved[0], {
      pullRun: handle.firstExecutionRunId,
      workflowId: handle.workflowId,
      region: { code: '24', name: 'ŚLĄSKIE' },
      monthsBack: 36,
      windowMonths: 2,
      window: THREE_YEARS,
      brands: inputFor({}).brands,
    });
    assert.ok(pulls.every((pull) => pull.pullRun === handle.firstExecutionRunId && pull.jobRef === handle.workflowId && pull.regionCode === '24'));
  });

  test("a brand's non-retryable failure cancels the other brands' pulls, records its root cause and fails the run", async () => {
    const bmwStarted = signal();
    const pulled: string[] = [];
    let teslaAttempts = 0;
    const recorded: string[] = [];
    const workers = await stubWorkers(env, {
      http: {
        async pullBrandRegistrations(input: BrandPullInput) {
          pulled.push(input.brand);
          if (input.brand === 'BMW') {
            bmwStarted.resolve();
            return pullUntilCancelled();
          }
          teslaAttempts += 1;
          await bmwStarted.promise;
          // Retryable by its own flag: the workflow's list of non-retryable CEPiK types stops it.
          throw ApplicationFailure.create({ type: 'CepikBadRequest', message: 'CEPiK rejected the parameters: data-od' });
        },
        async saveLeaseExpiryReport() {
          assert.fail('a failed run saves no report');
        },
        async recordLeaseExpiryFailure(input: ReportToSave & { error: string }) {
          recorded.push(input.error);
        },
      },
    });
    const { failure, history } = await workers.run(async () => {
      const handle = await start(workers, 'failing', inputFor({ brands: ['TESLA', 'BMW', 'AUDI'] }));
      const failure = await handle.result().then(() => assert.fail('the run should fail'), (error: unknown) => error);
      return { failure, history: await handle.fetchHistory() };
    });

    assert.ok(failure instanceof WorkflowFailedError);
    assert.equal(rootCauseMessage(failure), 'CepikBadRequest: CEPiK rejected the parameters: data-od');
    assert.deepEqual(recorded, ['CepikBadRequest: CEPiK rejected the parameters: data-od']);
    assert.equal(teslaAttempts, 1, 'CepikBadRequest is not retried');
    assert.deepEqual(pulled.sort(), ['BMW', 'TESLA'], 'AUDI never started');
    const cancelRequests = history.events!.filter((event) => event.activityTaskCancelRequestedEventAttributes);
    assert.equal(cancelRequests.length, 1, "BMW's pull was cancelled");
  });

  test('cancelling the run cancels the pulls in flight and records the failure', async () => {
    const started = { TESLA: signal(), BMW: signal() };
    const recorded: string[] = [];
    const workers = await stubWorkers(env, {
      http: {
        async pullBrandRegistrations(input: BrandPullInput) {
          started[input.brand as keyof typeof started].resolve();
          return pullUntilCancelled();
        },
        async saveLeaseExpiryReport() {
          assert.fail('a cancelled run saves no report');
        },
        async recordLeaseExpiryFailure(input: ReportToSave & { error: string }) {
          recorded.push(input.error);
        },
      },
    });
    const { failure, status } = await workers.run(async () => {
      const handle = await start(workers, 'cancelled', inputFor({ brands: ['TESLA', 'BMW'] }));
      await Promise.all([started.TESLA.promise, started.BMW.promise]);
      await handle.cancel();
      const failure = await handle.result().then(() => assert.fail('the run should end cancelled'), (error: unknown) => error);
      return { failure, status: (await handle.describe()).status.name };
    });

    assert.ok(failure instanceof WorkflowFailedError);
    assert.ok(failure.cause instanceof CancelledFailure);
    assert.equal(status, 'CANCELLED');
    assert.deepEqual(recorded, ['the run was cancelled']);
  });
});
