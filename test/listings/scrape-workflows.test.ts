import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ScrapeModelInput, ScrapeModelResult } from '../../activities/listings/scrape-activity';
import type { ScrapeRunStatus } from '../../activities/listings/run-activities';
import { scrapeModelWorkflowId } from '../../workflows/listings/ids';
import type { scrapeBatchWorkflow } from '../../workflows/listings/scrape-batch';
import type { scrapeModelWorkflow } from '../../workflows/listings/scrape-model';
import { startTimeSkipping, stubWorkers } from '../support/time-skipping';
import { waitFor } from '../support/wait-for';

type FinishedRun = { runId: number; status: ScrapeRunStatus; stopReason?: string | null; error?: string | null };

const SCRAPED: Omit<ScrapeModelResult, 'stopReason'> = { pages: 3, listingsSeen: 50, listingsNew: 40, listingsUpdated: 10, rejectedCards: 1 };
const ANALYSIS = { listingsValued: 50, dealsRated: 45, insufficientSample: 5, alertsRaised: 2 };

/**
 * Run book-keeping, deal analysis and alert delivery stubs (the HTTP queue) that record what the
 * workflow asked for, in order; `deliver` stands for the webhook delivery.
 */
function bookkeepingStubs(deliver: () => Promise<unknown> = async () => ({ sent: 2, failed: 0, pending: 0 })) {
  const started: Array<{ make: string; model: string; workflowId: string }> = [];
  const finished: FinishedRun[] = [];
  const analysed: number[] = [];
  const steps: string[] = [];
  let nextRunId = 1;
  return {
    started,
    finished,
    analysed,
    steps,
    activities: {
      startScrapeRun: async (input: { make: string; model: string; workflowId: string }) => {
        started.push(input);
        steps.push('start');
        return nextRunId++;
      },
      finishScrapeRun: async (input: FinishedRun) => {
        finished.push(input);
        steps.push(`finish ${input.status}`);
      },
      analyseModelDeals: async (input: { runId: number }) => {
        analysed.push(input.runId);
        steps.push('analyse');
        return ANALYSIS;
      },
      deliverDealAlerts: async () => {
        steps.push('deliver');
        return deliver();
      },
    },
  };
}

const challenge = (model: string) =>
  ApplicationFailure.create({ type: 'BotChallenge', message: `bot challenge on /car-search?model=${model}`, nonRetryable: false });

describe('listing workflows (time-skipping, stubbed activities)', { timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  const runModel = (taskQueue: string, make: string, model: string) =>
    env.client.workflow.start<typeof scrapeModelWorkflow>('scrapeModelWorkflow', {
      workflowId: `${scrapeModelWorkflowId(make, model)}:${Date.now()}`,
      taskQueue,
      args: [{ make, model, maxResults: 50 }],
    });

  test('a model scrape opens its run, scrapes, values the deals and finishes the run succeeded', async () => {
    const book = bookkeepingStubs();
    const scrapes: ScrapeModelInput[] = [];
    const workers = await stubWorkers(env, {
      http: book.activities,
      browser: {
        scrapeModelListings: async (input: ScrapeModelInput): Promise<ScrapeModelResult> => {
          scrapes.push(input);
          return { ...SCRAPED, stopReason: 'max_results' };
        },
      },
    });
    const { handle, result } = await workers.run(async () => {
      const handle = await runModel(workers.queues.workflows, 'Ford', 'Fiesta');
      return { handle, result: await handle.result() };
    });
    assert.deepEqual(result, { runId: 1, ...SCRAPED, stopReason: 'max_results', ...ANALYSIS });
    assert.deepEqual(book.started, [{ make: 'Ford', model: 'Fiesta', workflowId: handle.workflowId, maxResults: 50 }]);
    assert.deepEqual(scrapes, [{ runId: 1, make: 'Ford', model: 'Fiesta', maxResults: 50, delaySeconds: null }]);
    assert.deepEqual(book.analysed, [1]);
    assert.deepEqual(book.finished, [{ runId: 1, status: 'succeeded', stopReason: 'max_results' }]);
    assert.deepEqual(book.steps, ['start', 'analyse', 'finish succeeded', 'deliver'], 'pending alerts are delivered after the analysis');
  });

  test('a run that raised more alerts than one delivery posts keeps delivering until the outbox is drained', async () => {
    // Found by `npm run chaos`: a scrape raising 30 alerts delivered 25 and left 5 pending until some
    // later run of any model, hours away.
    const pendingAfter = [30, 5, 0];
    const book = bookkeepingStubs(async () => ({ sent: 25, failed: 0, pending: pendingAfter.shift() }));
    const workers = await stubWorkers(env, {
      http: book.activities,
      browser: { scrapeModelListings: async (): Promise<ScrapeModelResult> => ({ ...SCRAPED, stopReason: 'all_results_seen' }) },
    });
    await workers.run(async () => (await runModel(workers.queues.workflows, 'Ford', 'Mustang')).result());
    assert.deepEqual(book.steps, ['start', 'analyse', 'finish succeeded', 'deliver', 'deliver', 'deliver']);
  });

  test('stops delivering when a delivery sends nothing (another deliverer holds the rest)', async () => {
    const book = bookkeepingStubs(async () => ({ sent: 0, failed: 0, pending: 4 }));
    const workers = await stubWorkers(env, {
      http: book.activities,
      browser: { scrapeModelListings: async (): Promise<ScrapeModelResult> => ({ ...SCRAPED, stopReason: 'all_results_seen' }) },
    });
    await workers.run(async () => (await runModel(workers.queues.workflows, 'Ford', 'Puma')).result());
    assert.deepEqual(book.steps, ['start', 'analyse', 'finish succeeded', 'deliver']);
  });

  test('a webhook still down after the delivery retries leaves the alerts pending and does not fail the run', async () => {
    let deliveries = 0;
    const book = bookkeepingStubs(async () => {
      deliveries += 1;
      throw ApplicationFailure.create({ type: 'AlertWebhookUnavailable', message: 'deal alert 1: HTTP 503', nonRetryable: false });
    });
    const workers = await stubWorkers(env, {
      http: book.activities,
      browser: { scrapeModelListings: async (): Promise<ScrapeModelResult> => ({ ...SCRAPED, stopReason: 'all_results_seen' }) },
    });
    const result = await workers.run(async () => (await runModel(workers.queues.workflows, 'Volkswagen', 'Golf')).result());
    assert.deepEqual(result, { runId: 1, ...SCRAPED, stopReason: 'all_results_seen', ...ANALYSIS });
    assert.equal(deliveries, 8, 'the sourcePage profile: eight attempts with backoff');
    assert.deepEqual(book.finished, [{ runId: 1, status: 'succeeded', stopReason: 'all_results_seen' }]);
  });

  test('a scrape that keeps failing is retried on the browser profile, then the run is finished failed with the root cause', async () => {
    const book = bookkeepingStubs();
    let attempts = 0;
    const workers = await stubWorkers(env, {
      http: book.activities,
      browser: {
        scrapeModelListings: async () => {
          attempts += 1;
          throw challenge('Duster');
        },
      },
    });
    const failure = await workers.run(async () => {
      const handle = await runModel(workers.queues.workflows, 'Dacia', 'Duster');
      return handle.result().then(() => assert.fail('a failing scrape must fail the workflow'), (error: unknown) => error);
    });
    assert.ok(failure instanceof WorkflowFailedError);
    assert.equal(attempts, 4, 'the browserScrape profile: four attempts');
    assert.deepEqual(book.analysed, [], 'no valuation after a failed scrape');
    assert.deepEqual(book.finished, [{ runId: 1, status: 'failed', error: 'BotChallenge: bot challenge on /car-search?model=Duster' }]);
  });

  test('a cancelled scrape finishes its run cancelled and the workflow ends cancelled', async () => {
    const book = bookkeepingStubs();
    let scraping = false;
    const workers = await stubWorkers(env, {
      http: book.activities,
      browser: {
        // Heartbeats, as the real activity does, so the cancellation reaches it.
        scrapeModelListings: async () => {
          scraping = true;
          const context = Context.current();
          for (;;) {
            context.heartbeat();
            await context.sleep(100);
          }
        },
      },
    });
    const failure = await workers.run(async () => {
      const handle = await runModel(workers.queues.workflows, 'Kia', 'Sportage');
      await waitFor('the scrape activity to start', () => scraping);
      await handle.cancel();
      return handle.result().then(() => assert.fail('a cancelled scrape must not complete'), (error: unknown) => error);
    });
    assert.ok(failure instanceof WorkflowFailedError);
    assert.ok(failure.cause instanceof CancelledFailure, `cancelled, not ${failure.cause?.name}`);
    assert.deepEqual(book.analysed, []);
    assert.deepEqual(book.finished, [{ runId: 1, status: 'cancelled', error: 'cancelled' }]);
  });

  // Skipped: on the time-skipping server this batch's children never complete, with the search attributes
  // registered and without the already-running child alike; the batch is proven end to end in
  // api-batch-schedules.test.ts on the real dev server.
  const batchSkip = 'batch children do not complete on the time-skipping server: under investigation';
  test('a batch runs at most `concurrency` models at once, counts a failing model with its root cause and skips a model already running', { skip: batchSkip }, async () => {
    const book = bookkeepingStubs();
    let inFlight = 0;
    let mostInFlight = 0;
    const workers = await stubWorkers(env, {
      http: book.activities,
      browser: {
        scrapeModelListings: async (input: ScrapeModelInput): Promise<ScrapeModelResult> => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          try {
            await new Promise((resolve) => setTimeout(resolve, 150));
            if (input.model === 'Jogger') throw challenge('Jogger');
            return { ...SCRAPED, stopReason: 'all_results_seen' };
          } finally {
            inFlight -= 1;
          }
        },
      },
    });
    const models = ['Sandero', 'Jogger', 'Duster', 'Spring', 'Bigster', 'Logan'].map((model) => ({ make: 'Dacia', model }));
    const result = await workers.run(async () => {
      // A scrape of Logan under its fixed id, on a queue no worker polls: it stays running.
      const running = await env.client.workflow.start<typeof scrapeModelWorkflow>('scrapeModelWorkflow', {
        workflowId: scrapeModelWorkflowId('Dacia', 'Logan'),
        taskQueue: `${workers.queues.workflows}-unpolled`,
        args: [{ make: 'Dacia', model: 'Logan' }],
      });
      try {
        return await env.client.workflow.execute<typeof scrapeBatchWorkflow>('scrapeBatchWorkflow', {
          workflowId: `autotrader-batch:fast-${Date.now()}`,
          taskQueue: workers.queues.workflows,
          args: [{ batchId: 'fast', models, concurrency: 2 }],
        });
      } finally {
        await running.terminate('test over');
      }
    });
    assert.deepEqual(result, {
      batchId: 'fast',
      total: 6,
      succeeded: 4,
      failed: 1,
      skipped: 1,
      successRate: 0.8,
      failures: [{ make: 'Dacia', model: 'Jogger', error: 'BotChallenge: bot challenge on /car-search?model=Jogger' }],
    });
    assert.equal(mostInFlight, 2, 'two model scrapes at a time, never more');
    assert.deepEqual(book.started.map((run) => run.model).sort(), ['Bigster', 'Duster', 'Jogger', 'Sandero', 'Spring']);
    assert.deepEqual(book.started.map((run) => run.workflowId), book.started.map((run) => scrapeModelWorkflowId('Dacia', run.model)));
  });
});
