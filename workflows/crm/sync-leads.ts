import {
  ApplicationFailure, CancellationScope, continueAsNew, isCancellation, patched, proxyActivities, setCurrentDetails, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { CrmBatchCounts, CrmSyncActivities } from '../../activities/crm/sync-activities';
import type { CrmSyncProgress } from '../../domain/crm/sync-progress';
import { retryPolicy } from '../../temporal/retry-profiles';
import { rootCauseMessage } from '../../temporal/root-cause';
import { crmBatchActivitySummary, crmSyncCurrentDetails } from '../../temporal/run-summaries';
import { drainBounded } from '../../temporal/workflow-concurrency';
import { activityTaskQueue } from '../task-queues';
import { crmSyncProgressQuery } from './sync-progress';
import { normaliseLeadSelection } from './workflow-ids';

export interface SyncLeadsToCrmInput {
  /** Leads to push; empty means every pending lead. */
  leadIds: number[];
  /** Leads per activity (default 25). */
  batchSize?: number;
  /** Batch activities in flight at once (default 2). */
  parallelBatches?: number;
  /** Batches one run takes before it continues as new (default: until Temporal suggests it). */
  maxBatchesPerRun?: number;
  /** Carried across continue-as-new; the cursor is the last lead (batches of linked leads: the first lead of the last group) taken. */
  resume?: { cursor: number; progress: CrmSyncProgress };
}

const emptyProgress = (): CrmSyncProgress => ({ status: 'running', total: 0, processed: 0, created: 0, updated: 0, skipped: 0, failed: 0, requests: 0 });

function addBatch(progress: CrmSyncProgress, counts: CrmBatchCounts): void {
  progress.created += counts.created;
  progress.updated += counts.updated;
  progress.skipped += counts.skipped;
  progress.failed += counts.failed;
  progress.requests += counts.requests;
  progress.processed += counts.created + counts.updated + counts.skipped + counts.failed;
}

/**
 * Pushes leads to HighLevel (Summit.AI) in batches, a few batches at a time. Only lead ids and
 * counts pass through here; activities read leads and the token from PostgreSQL. Progress is
 * queryable (`crmSyncProgress`) and written to `crm_sync_runs`. A long sync continues as new with
 * its cursor (the last lead id taken) and its progress.
 */
export async function syncLeadsToCrmWorkflow(input: SyncLeadsToCrmInput): Promise<CrmSyncProgress> {
  // Made here, not at import: the activity task queue is derived from the running workflow's own.
  const { beginCrmSyncRun, nextPendingLeadIds, nextLeadBatch, finishCrmSyncRun } = proxyActivities<CrmSyncActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '30 seconds',
    retry: retryPolicy('bookkeeping'),
  });
  const { syncLeadBatch } = proxyActivities<CrmSyncActivities>({
    taskQueue: activityTaskQueue('http'),
    // A batch waits on the location's rate budget, shared with the other batches.
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '2 minutes',
    retry: retryPolicy('sourcePage'),
  });
  // Batches of whole groups of linked leads, so that no two batches write one person at once; runs
  // started before take plain id pages, as their histories say.
  const batchesOfLinkedLeads = patched('crm-sync-batches-of-linked-leads');
  const selection = normaliseLeadSelection(input.leadIds);
  const batchSize = input.batchSize ?? 25;
  const info = workflowInfo();
  const runKey = info.firstExecutionRunId;
  const progress = input.resume?.progress ?? emptyProgress();
  setHandler(crmSyncProgressQuery, () => progress);
  /** The run's page in the Web UI: leads processed of the total, outcomes, rate, ETA. */
  const showProgress = () => setCurrentDetails(crmSyncCurrentDetails({ ...progress, startedAtMs: info.startTime.getTime(), nowMs: Date.now() }));

  if (!input.resume) {
    const run = await beginCrmSyncRun({ runKey, workflowId: info.workflowId, leadIds: selection });
    progress.total = run.total;
    if (!run.configured) {
      progress.status = 'not_configured';
      showProgress();
      return progress;
    }
  }
  showProgress();

  const maxBatches = Math.max(1, input.maxBatchesPerRun ?? Number.POSITIVE_INFINITY);
  let cursor = input.resume?.cursor ?? 0;
  let batchesTaken = 0;
  let handOver = false;
  // Batches are taken one at a time, so the cursor only moves forward; the run limit is checked at
  // the take, so a run takes exactly `maxBatchesPerRun` batches however many are in flight.
  const takeBatch = async (): Promise<number[] | undefined> => {
    if (workflowInfo().continueAsNewSuggested || batchesTaken >= maxBatches) {
      handOver = true;
      return undefined;
    }
    if (batchesOfLinkedLeads) {
      const batch = await nextLeadBatch({ runKey, afterId: cursor, limit: batchSize, leadIds: selection });
      if (batch.leadIds.length === 0) return undefined;
      cursor = batch.cursor;
      batchesTaken += 1;
      return batch.leadIds;
    }
    const leadIds =
      selection.length === 0
        ? await nextPendingLeadIds({ afterId: cursor, limit: batchSize })
        : selection.filter((id) => id > cursor).slice(0, batchSize);
    if (leadIds.length === 0) return undefined;
    cursor = leadIds[leadIds.length - 1]!;
    batchesTaken += 1;
    return leadIds;
  };

  try {
    await drainBounded(takeBatch, input.parallelBatches ?? 2, async (leadIds) => {
      addBatch(progress, await syncLeadBatch.executeWithOptions({ summary: crmBatchActivitySummary(leadIds.length) }, [{ runKey, leadIds }]));
      showProgress();
    });
  } catch (error) {
    progress.status = 'failed';
    showProgress();
    // A cancellation's failure has an empty message: name it.
    const message = isCancellation(error) ? 'sync cancelled' : rootCauseMessage(error);
    // Out of the cancellation's reach, so a cancelled run's row does not say `running` for ever.
    await CancellationScope.nonCancellable(() => finishCrmSyncRun({ runKey, status: 'failed', errorMessage: message }));
    if (isCancellation(error)) throw error;
    throw ApplicationFailure.create({ type: 'CrmSyncFailed', message: `CRM sync stopped: ${message}`, nonRetryable: true });
  }
  if (handOver) return continueAsNew<typeof syncLeadsToCrmWorkflow>({ ...input, resume: { cursor, progress } });
  progress.status = 'completed';
  showProgress();
  await finishCrmSyncRun({ runKey, status: 'completed', errorMessage: null });
  return progress;
}
