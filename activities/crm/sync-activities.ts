import { ApplicationFailure, Context } from '@temporalio/activity';
import pLimit from 'p-limit';
import { highLevelClientFor } from '../../clients/highlevel/connections';
import { isCrmConfigured, loadCrmConfig } from '../../stores/crm/config';
import { countPendingLeads, type LeadForSync, loadLeadsForSync, pendingLeadIds } from '../../stores/crm/leads';
import { beginSyncRun, type CrmSyncRunStatus, finishSyncRun, refreshSyncRunCounts } from '../../stores/crm/runs';
import type { ActivityDependencies } from '../dependencies';
import { crmFailureTypes } from './failures';
import { crmLeadsSynced } from './metrics';
import { syncLead } from './sync-lead';

export interface CrmBatchCounts {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  requests: number;
}

/**
 * Runs `work` over `items`, at most `limit` at a time. After the first failure no new item starts;
 * the ones in flight finish, then the failure is thrown. (Not `clearQueue()`: the promise of a
 * cleared call never settles, so the batch could not wait for the calls it has.)
 */
async function forEachUntilFailure<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const run = pLimit(limit);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    items.map((item) =>
      run(async () => {
        if (failure) return;
        try {
          await work(item);
        } catch (error) {
          // Noted before p-limit starts the next item, which then sees it.
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure) throw failure.error;
}

/** The CRM sync's activities: only ids and counts go in and out; leads, contacts and tokens stay here. */
export function createCrmSyncActivities({ db, secrets, settings }: ActivityDependencies) {
  return {
    /** Records the run; `configured: false` tells the workflow there is no CRM to push to yet. */
    async beginCrmSyncRun(input: { runKey: string; workflowId: string; leadIds: number[] }): Promise<{ configured: boolean; total: number }> {
      const configured = await isCrmConfigured(db);
      const selection = input.leadIds.length === 0 ? 'pending' : 'leads';
      const total = selection === 'pending' ? await countPendingLeads(db) : input.leadIds.length;
      const status: CrmSyncRunStatus = configured ? 'running' : 'not_configured';
      await beginSyncRun(db, { runKey: input.runKey, workflowId: input.workflowId, selection, total, status });
      return { configured, total };
    },

    async nextPendingLeadIds(input: { afterId: number; limit: number }): Promise<number[]> {
      return pendingLeadIds(db, input.afterId, input.limit);
    },

    /**
     * Syncs a batch of leads, a few at a time; a retried batch skips the leads this run already
     * finished. HighLevel errors become typed failures in the workers' interceptor (./failures.ts).
     */
    async syncLeadBatch(input: { runKey: string; leadIds: number[] }): Promise<CrmBatchCounts> {
      const config = await loadCrmConfig(db, secrets);
      if (!config) {
        throw ApplicationFailure.create({ type: crmFailureTypes.notConfigured, message: 'HighLevel is not configured', nonRetryable: true });
      }
      const client = highLevelClientFor(settings, config);
      const items = await loadLeadsForSync(db, input.runKey, input.leadIds);
      const counts: CrmBatchCounts = { created: 0, updated: 0, skipped: input.leadIds.length - items.length, failed: 0, requests: 0 };
      const context = Context.current();
      let done = 0;
      const push = async (item: LeadForSync) => {
        // Cancelled (workflow cancelled, worker shutting down): finish the leads in flight, start no more.
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
        const outcome = await syncLead({ db, client, config, runKey: input.runKey }, item);
        counts[outcome] += 1;
        crmLeadsSynced.inc({ outcome });
        done += 1;
        context.heartbeat({ done });
      };
      try {
        await forEachUntilFailure(items, settings.HIGHLEVEL_SYNC_CONCURRENCY, push);
      } finally {
        counts.requests = client.requestCount;
        await refreshSyncRunCounts(db, input.runKey, client.requestCount);
      }
      return counts;
    },

    async finishCrmSyncRun(input: { runKey: string; status: Exclude<CrmSyncRunStatus, 'running'>; errorMessage: string | null }): Promise<void> {
      await finishSyncRun(db, input.runKey, input.status, input.errorMessage);
    },
  };
}

export type CrmSyncActivities = ReturnType<typeof createCrmSyncActivities>;
