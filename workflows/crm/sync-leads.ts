import { ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CrmBatchCounts, CrmSyncActivities } from '../../activities/crm/sync-activities';
import { activityTaskQueue } from '../task-queues';
import { type CrmSyncProgress, crmSyncProgressQuery } from './sync-progress';
import { normaliseLeadSelection } from './workflow-ids';

export interface SyncLeadsToCrmInput {
  /** Leads to push; empty means every pending lead. */
  leadIds: number[];
  /** Leads per activity (default 25). */
  batchSize?: number;
  /** Batch activities in flight at once (default 2). */
  parallelBatches?: number;
  /** Carried across continue-as-new. */
  resume?: { cursor: number; progress: CrmSyncProgress };
}

/**
 * Pushes leads to HighLevel (Summit.AI) in batches, a few batches at a time. Only lead ids and
 * counts pass through here; activities read leads and the token from PostgreSQL. Progress is
 * queryable (`crmSyncProgress`) and written to `crm_sync_runs`.
 */
export async function syncLeadsToCrmWorkflow(input: SyncLeadsToCrmInput): Promise<CrmSyncProgress> {
  const { beginCrmSyncRun, nextPendingLeadIds, finishCrmSyncRun } = proxyActivities<CrmSyncActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: [] },
  });
  const { syncLeadBatch } = proxyActivities<CrmSyncActivities>({
    taskQueue: activityTaskQueue('http'),
    // A batch waits on the location's rate budget, shared with the other batches.
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes: [] },
  });
  const selection = normaliseLeadSelection(input.leadIds);
  const batchSize = input.batchSize ?? 25;
  const parallelBatches = input.parallelBatches ?? 2;
  const info = workflowInfo();
  const runKey = info.firstExecutionRunId;
  const progress: CrmSyncProgress = input.resume?.progress ?? {
    status: 'running',
    total: 0,
    processed: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    requests: 0,
  };
  setHandler(crmSyncProgressQuery, () => progress);

  if (!input.resume) {
    const run = await beginCrmSyncRun({ runKey, workflowId: info.workflowId, leadIds: selection });
    progress.total = run.total;
    if (!run.configured) {
      progress.status = 'not_configured';
      return progress;
    }
  }

  const nextBatch = async (afterId: number): Promise<number[]> =>
    selection.length === 0
      ? nextPendingLeadIds({ afterId, limit: batchSize })
      : selection.filter((id) => id > afterId).slice(0, batchSize);

  let cursor = input.resume?.cursor ?? 0;
  let inFlight = 0;
  let failure: unknown = null;
  const add = (counts: CrmBatchCounts) => {
    progress.created += counts.created;
    progress.updated += counts.updated;
    progress.skipped += counts.skipped;
    progress.failed += counts.failed;
    progress.requests += counts.requests;
    progress.processed += counts.created + counts.updated + counts.skipped + counts.failed;
  };

  for (;;) {
    await condition(() => inFlight < parallelBatches || failure !== null);
    if (failure !== null) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => inFlight === 0);
      if (failure === null) await continueAsNew<typeof syncLeadsToCrmWorkflow>({ ...input, resume: { cursor, progress } });
      break;
    }
    const leadIds = await nextBatch(cursor);
    if (leadIds.length === 0) break;
    cursor = leadIds[leadIds.length - 1]!;
    inFlight += 1;
    void syncLeadBatch({ runKey, leadIds })
      .then(add, (error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        inFlight -= 1;
      });
  }
  await condition(() => inFlight === 0);

  if (failure !== null) {
    progress.status = 'failed';
    const message = failure instanceof Error ? (failure.cause instanceof Error ? failure.cause.message : failure.message) : String(failure);
    await finishCrmSyncRun({ runKey, status: 'failed', errorMessage: message });
    throw ApplicationFailure.create({ type: 'CrmSyncFailed', message: `CRM sync stopped: ${message}`, nonRetryable: true });
  }
  progress.status = 'completed';
  await finishCrmSyncRun({ runKey, status: 'completed', errorMessage: null });
  return progress;
}
