import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CrmBatchCounts, CrmSyncActivities } from '../../activities/crm/sync-activities';
import { nextGroupBatch } from '../../domain/crm/linked-leads';
import { rootCauseMessage } from '../../temporal/root-cause';
import type { SyncLeadsToCrmInput, syncLeadsToCrmWorkflow } from '../../workflows/crm/sync-leads';
import { startTimeSkipping, stubWorkers } from '../support/time-skipping';

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stub activities over a list of pending leads: each lead "created"; records what the workflow asked.
 * Leads form groups of one unless `groups` says otherwise (the real planner links leads by email and phone).
 */
function stubActivities(options: {
  pending?: number[];
  groups?: number[][];
  configured?: boolean;
  batchMs?: number;
  failBatchWith?: (leadIds: number[]) => Error | undefined;
}) {
  const pending = options.pending ?? [];
  const calls = {
    batches: [] as { runId: string; runKey: string; leadIds: number[] }[],
    takesInFlight: 0,
    maxTakesInFlight: 0,
    batchesInFlight: 0,
    maxBatchesInFlight: 0,
    begins: 0,
    finishes: [] as { status: string; errorMessage: string | null }[],
  };
  const activities: CrmSyncActivities = {
    async beginCrmSyncRun(input) {
      calls.begins += 1;
      return { configured: options.configured ?? true, total: input.leadIds.length === 0 ? pending.length : input.leadIds.length };
    },
    async nextPendingLeadIds({ afterId, limit }) {
      return pending.filter((id) => id > afterId).slice(0, limit);
    },
    async nextLeadBatch({ afterId, limit, leadIds }) {
      calls.takesInFlight += 1;
      calls.maxTakesInFlight = Math.max(calls.maxTakesInFlight, calls.takesInFlight);
      await sleep(5);
      calls.takesInFlight -= 1;
      const leads = leadIds.length > 0 ? leadIds : pending;
      const grouped = new Set(options.groups?.flat());
      const groups = [...(options.groups ?? []), ...leads.filter((id) => !grouped.has(id)).map((id) => [id])];
      return nextGroupBatch(groups, () => true, afterId, limit);
    },
    async syncLeadBatch({ runKey, leadIds }): Promise<CrmBatchCounts> {
      calls.batches.push({ runId: Context.current().info.workflowExecution!.runId, runKey, leadIds });
      calls.batchesInFlight += 1;
      calls.maxBatchesInFlight = Math.max(calls.maxBatchesInFlight, calls.batchesInFlight);
      try {
        const failure = options.failBatchWith?.(leadIds);
        if (failure) throw failure;
        await sleep(options.batchMs ?? 20);
        return { created: leadIds.length, updated: 0, skipped: 0, failed: 0, requests: 2 * leadIds.length };
      } finally {
        calls.batchesInFlight -= 1;
      }
    },
    async finishCrmSyncRun({ status, errorMessage }) {
      calls.finishes.push({ status, errorMessage });
    },
  };
  return { activities, calls };
}

describe('CRM sync workflow (time-skipping, stubbed activities)', { timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  async function runSync(activities: CrmSyncActivities, input: SyncLeadsToCrmInput, label: string) {
    const workers = await stubWorkers(env, { http: activities });
    return workers.run(() =>
      env.client.workflow
        .execute<typeof syncLeadsToCrmWorkflow>('syncLeadsToCrmWorkflow', {
          workflowId: `crm-sync-fast-${label}-${Date.now()}`,
          taskQueue: workers.queues.workflows,
          args: [input],
        })
        .then((progress) => ({ progress, error: undefined }), (error: unknown) => ({ progress: undefined, error })),
    );
  }

  test('without a configured CRM the run ends as not_configured and pushes nothing', async () => {
    const { activities, calls } = stubActivities({ pending: ids(1, 7), configured: false });
    const { progress } = await runSync(activities, { leadIds: [] }, 'not-configured');
    assert.equal(progress?.status, 'not_configured');
    assert.equal(progress?.total, 7);
    assert.equal(calls.batches.length, 0);
    assert.deepEqual(calls.finishes, [], 'the run row was written as not_configured when it began');
  });

  test('syncs every pending lead once, taking batches one at a time, at most parallelBatches in flight', async () => {
    const { activities, calls } = stubActivities({ pending: ids(1, 95), batchMs: 300 });
    const { progress } = await runSync(activities, { leadIds: [], batchSize: 10, parallelBatches: 3 }, 'parallel');
    assert.equal(progress?.status, 'completed');
    assert.deepEqual(calls.batches.flatMap((batch) => batch.leadIds), ids(1, 95));
    assert.equal(calls.batches.length, 10);
    assert.equal(calls.maxBatchesInFlight, 3);
    assert.equal(calls.maxTakesInFlight, 1, 'the cursor is read by one take at a time');
    assert.deepEqual(
      { total: progress.total, processed: progress.processed, created: progress.created, requests: progress.requests },
      { total: 95, processed: 95, created: 95, requests: 190 },
    );
    assert.deepEqual(calls.finishes, [{ status: 'completed', errorMessage: null }]);
  });

  test('continues as new after maxBatchesPerRun, carrying the cursor and the progress exactly', async () => {
    const { activities, calls } = stubActivities({ pending: ids(1, 45) });
    const { progress } = await runSync(activities, { leadIds: [], batchSize: 10, parallelBatches: 2, maxBatchesPerRun: 2 }, 'continue-as-new');
    const runs = [...new Set(calls.batches.map((batch) => batch.runId))];
    assert.equal(runs.length, 3, 'batches 2 + 2 + 1 over three runs');
    assert.deepEqual(runs.map((runId) => calls.batches.filter((batch) => batch.runId === runId).length), [2, 2, 1]);
    assert.equal(new Set(calls.batches.map((batch) => batch.runKey)).size, 1, 'one run key (the first run id) across the chain');
    assert.deepEqual(calls.batches.flatMap((batch) => batch.leadIds).sort((a, b) => a - b), ids(1, 45), 'no lead twice, none left out');
    assert.equal(calls.begins, 1);
    assert.deepEqual(calls.finishes, [{ status: 'completed', errorMessage: null }]);
    assert.equal(progress?.status, 'completed');
    assert.deepEqual(
      { total: progress.total, processed: progress.processed, created: progress.created, requests: progress.requests },
      { total: 45, processed: 45, created: 45, requests: 90 },
    );
  });

  test('takes the batches of linked leads the planner forms, and its cursor, across continue-as-new', async () => {
    const { activities, calls } = stubActivities({ pending: ids(1, 9), groups: [[1, 8], [3, 4, 9]] });
    const { progress } = await runSync(activities, { leadIds: [], batchSize: 2, parallelBatches: 1, maxBatchesPerRun: 2 }, 'groups');
    assert.deepEqual(calls.batches.map((batch) => batch.leadIds), [[1, 8], [2, 3, 4, 9], [5, 6], [7]]);
    assert.equal(progress?.processed, 9);
    assert.equal(progress?.status, 'completed');
  });

  test('continues as new over an explicit selection too', async () => {
    const { activities, calls } = stubActivities({});
    const selection = [9, 3, 3, 7, 1, 5, 11];
    const { progress } = await runSync(activities, { leadIds: selection, batchSize: 2, maxBatchesPerRun: 1 }, 'selection');
    assert.deepEqual(calls.batches.map((batch) => batch.leadIds), [[1, 3], [5, 7], [9, 11]]);
    assert.equal(new Set(calls.batches.map((batch) => batch.runId)).size, 3);
    assert.equal(progress?.processed, 6);
    assert.equal(progress?.total, 6);
  });

  test('a failing batch stops the run: no batch starts after it, the run records failed with the root cause, the workflow fails', async () => {
    const { activities, calls } = stubActivities({
      pending: ids(1, 60),
      batchMs: 200,
      failBatchWith: (leadIds) =>
        leadIds.includes(11) ? ApplicationFailure.create({ type: 'HighLevelAuthError', message: 'Invalid token', nonRetryable: true }) : undefined,
    });
    const { error } = await runSync(activities, { leadIds: [], batchSize: 10, parallelBatches: 2 }, 'failing');
    assert.ok(error instanceof WorkflowFailedError, String(error));
    assert.equal(rootCauseMessage(error), 'CrmSyncFailed: CRM sync stopped: HighLevelAuthError: Invalid token');
    assert.deepEqual(calls.batches.map((batch) => batch.leadIds[0]), [1, 11], 'the batch in flight finished; no new batch started');
    assert.deepEqual(calls.finishes, [{ status: 'failed', errorMessage: 'HighLevelAuthError: Invalid token' }]);
  });

  test('a cancelled sync stops its batches, records the run as failed with the reason, and ends cancelled', async () => {
    const { activities, calls } = stubActivities({ pending: ids(1, 60), batchMs: 60_000 });
    const cancellable: CrmSyncActivities = {
      ...activities,
      // Heartbeats carry the cancellation to the batch, as the real batch's heartbeats do.
      async syncLeadBatch(input) {
        calls.batches.push({ runId: Context.current().info.workflowExecution!.runId, runKey: input.runKey, leadIds: input.leadIds });
        for (;;) {
          Context.current().heartbeat();
          await Context.current().sleep(50);
        }
      },
    };
    const workers = await stubWorkers(env, { http: cancellable });
    const error = await workers.run(async () => {
      const handle = await env.client.workflow.start<typeof syncLeadsToCrmWorkflow>('syncLeadsToCrmWorkflow', {
        workflowId: `crm-sync-fast-cancel-${Date.now()}`,
        taskQueue: workers.queues.workflows,
        args: [{ leadIds: [], batchSize: 10, parallelBatches: 2 }],
      });
      while (calls.batches.length < 2) await sleep(20);
      await handle.cancel();
      return handle.result().then(() => undefined, (failure: unknown) => failure);
    });
    assert.ok(error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure, String(error));
    assert.equal(calls.batches.length, 2, 'no batch started after the cancellation');
    assert.equal(calls.finishes.length, 1);
    assert.equal(calls.finishes[0]!.status, 'failed');
    assert.equal(calls.finishes[0]!.errorMessage, 'sync cancelled');
  });
});
