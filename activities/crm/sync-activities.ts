import { ApplicationFailure, Context } from '@temporalio/activity';
import pLimit from 'p-limit';
import { highLevelClientFor } from '../../clients/highlevel/connections';
import type { TransientRetryOptions } from '../../clients/highlevel/transient-retry';
import { leadIdentityKeys, linkedLeadGroups, nextGroupBatch } from '../../domain/crm/linked-leads';
import { DEFAULT_PHONE_COUNTRY, isCrmConfigured, loadCrmConfig } from '../../stores/crm/config';
import { countPendingLeads, leadsToPlan, loadLeadsForSync, pendingLeadIds } from '../../stores/crm/leads';
import { beginSyncRun, type CrmSyncRunStatus, finishSyncRun, refreshSyncRunCounts } from '../../stores/crm/runs';
import { SharedRateLimits } from '../../platform/shared-rate-limits';
import type { ActivityDependencies } from '../dependencies';
import { crmFailureTypes } from './failures';
import { crmLeadsSynced } from './metrics';
import { groupLeadsForSync, syncLeadGroup } from './sync-lead';

/** The wait before a lead's first retry after a transient error; it doubles with each retry. */
const LEAD_RETRY_BASE_DELAY_MS = 500;

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
  const sharedLimits = new SharedRateLimits(db);
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

    /** Plain id pages of pending leads: what runs started before batches of linked leads (`nextLeadBatch`) still take. */
    async nextPendingLeadIds(input: { afterId: number; limit: number }): Promise<number[]> {
      return pendingLeadIds(db, input.afterId, input.limit);
    },

    /**
     * The next batch: whole groups of leads linked through shared emails and phones, taken in order
     * of their first lead after `afterId`, until `limit` leads (domain/crm/linked-leads.ts). The
     * selection's leads when `leadIds` is given, else the pending ones. The cursor is the first lead
     * of the last group taken; no leads means the run is done.
     */
    async nextLeadBatch(input: { runKey: string; afterId: number; limit: number; leadIds: number[] }): Promise<{ leadIds: number[]; cursor: number }> {
      const country = (await loadCrmConfig(db, secrets))?.defaultPhoneCountry ?? DEFAULT_PHONE_COUNTRY;
      const leads = await leadsToPlan(db, input.runKey, input.leadIds);
      const groups = linkedLeadGroups(leads.map((lead) => ({ id: lead.id, keys: leadIdentityKeys(lead.ownerEmail, lead.ownerPhone, country) })));
      const toSync = new Set(leads.filter((lead) => lead.toSync).map((lead) => lead.id));
      return nextGroupBatch(groups, (id) => toSync.has(id), input.afterId, input.limit);
    },

    /**
     * Syncs a batch of leads, a few groups of linked leads at a time (./sync-lead.ts). A lead meeting
     * a 429, 5xx or timeout is tried again here, up to HIGHLEVEL_LEAD_RETRIES times, while the
     * others go on; only then does the batch fail, and its retry skips the leads this run already
     * finished. HighLevel errors become typed failures in the workers' interceptor (./failures.ts).
     */
    async syncLeadBatch(input: { runKey: string; leadIds: number[] }): Promise<CrmBatchCounts> {
      const config = await loadCrmConfig(db, secrets);
      if (!config) {
        throw ApplicationFailure.create({ type: crmFailureTypes.notConfigured, message: 'HighLevel is not configured', nonRetryable: true });
      }
      const items = await loadLeadsForSync(db, input.runKey, input.leadIds);
      const counts: CrmBatchCounts = { created: 0, updated: 0, skipped: input.leadIds.length - items.length, failed: 0, requests: 0 };
      const context = Context.current();
      let done = 0;
      const client = highLevelClientFor(settings, config, sharedLimits, () => context.heartbeat({ done }));
      const retry: TransientRetryOptions = {
        retries: settings.HIGHLEVEL_LEAD_RETRIES,
        baseDelayMs: LEAD_RETRY_BASE_DELAY_MS,
        beforeRetry: () => context.heartbeat({ done }),
        signal: context.cancellationSignal,
      };
      const leadSync = { db, client, config, runKey: input.runKey, retry };
      const pushGroup = (group: ReturnType<typeof groupLeadsForSync>[number]) =>
        syncLeadGroup(leadSync, group, (outcome) => {
          counts[outcome] += 1;
          crmLeadsSynced.inc({ outcome });
          done += 1;
          context.heartbeat({ done });
        });
      try {
        await forEachUntilFailure(groupLeadsForSync(items, config), settings.HIGHLEVEL_SYNC_CONCURRENCY, pushGroup);
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
