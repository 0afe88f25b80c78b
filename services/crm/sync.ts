import { WorkflowExecutionAlreadyStartedError, type WorkflowIdConflictPolicy } from '@temporalio/client';
import type { CrmSyncProgress } from '../../domain/crm/sync-progress';
import { ConflictError, NotFoundError, UnavailableError } from '../../domain/errors';
import { isCrmConfigured } from '../../stores/crm/config';
import { countPendingLeads, existingLeadIds, leadCountsByStatus } from '../../stores/crm/leads';
import { type CrmSyncRun, findSyncRun, finishSyncRun, latestSyncRun, runningSyncRuns } from '../../stores/crm/runs';
import { rootCauseMessage } from '../../temporal/root-cause';
import { type RowCheck, workflowOutcomeIfKnown } from '../../temporal/workflow-outcome';
import { crmSyncMetadata } from '../../temporal/run-summaries';
import { searchAttributes } from '../../temporal/search-attributes';
import { crmSyncProgressQuery, crmSyncWorkflowId, normaliseLeadSelection, PENDING_LEADS_SYNC_WORKFLOW_ID } from '../../workflows/crm/ids';
import type { syncLeadsToCrmWorkflow } from '../../workflows/crm/sync-leads';
import { NOT_CONFIGURED_MESSAGE } from './config';
import type { CrmServiceDependencies } from './dependencies';

type SyncDependencies = Pick<CrmServiceDependencies, 'db' | 'temporal' | 'queues'>;

const PROGRESS_QUERY_DEADLINE_MS = 2000;

export interface CrmSyncJob {
  workflowId: string;
  runId: string;
  selection: 'pending' | 'leads';
  /** Null for the pending selection, whose size is known only when the run begins. */
  leadCount: number | null;
}

function startSyncWorkflow({ temporal, queues }: SyncDependencies, leadIds: number[], conflictPolicy: WorkflowIdConflictPolicy) {
  return temporal.workflow.start<typeof syncLeadsToCrmWorkflow>('syncLeadsToCrmWorkflow', {
    workflowId: crmSyncWorkflowId(leadIds),
    taskQueue: queues.workflows,
    args: [{ leadIds }],
    workflowIdConflictPolicy: conflictPolicy,
    typedSearchAttributes: searchAttributes({ source: 'highlevel' }),
    ...crmSyncMetadata({ leadCount: leadIds.length, trigger: 'api' }),
  });
}

/**
 * Starts a sync of the given leads (none: every pending lead). NotFoundError names unknown leads;
 * ConflictError when HighLevel is not configured or this selection is already syncing;
 * UnavailableError when Temporal refuses the start.
 */
export async function startCrmSync(deps: SyncDependencies, requestedLeadIds: readonly number[]): Promise<CrmSyncJob> {
  const leadIds = normaliseLeadSelection(requestedLeadIds);
  if (leadIds.length > 0) {
    const known = await existingLeadIds(deps.db, leadIds);
    const missing = leadIds.filter((id) => !known.has(id));
    if (missing.length > 0) throw new NotFoundError(`unknown lead ids: ${missing.slice(0, 20).join(', ')}`, { missing });
  }
  if (!(await isCrmConfigured(deps.db))) throw new ConflictError(NOT_CONFIGURED_MESSAGE);
  const workflowId = crmSyncWorkflowId(leadIds);
  try {
    const handle = await startSyncWorkflow(deps, leadIds, 'FAIL');
    const pending = leadIds.length === 0;
    return { workflowId, runId: handle.firstExecutionRunId, selection: pending ? 'pending' : 'leads', leadCount: pending ? null : leadIds.length };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ConflictError(`a sync of this selection is already running (${workflowId})`, { workflow_id: workflowId });
    }
    throw new UnavailableError(`could not start the sync: ${rootCauseMessage(error)}`);
  }
}

/** Syncs the pending leads, joining a pending-leads sync already running; returns how many are pending. */
export async function syncPendingLeads(deps: SyncDependencies): Promise<{ pending: number; workflowId: string }> {
  const pending = await countPendingLeads(deps.db);
  if (pending > 0) await startSyncWorkflow(deps, [], 'USE_EXISTING');
  return { pending, workflowId: PENDING_LEADS_SYNC_WORKFLOW_ID };
}

export interface CrmSyncStatus {
  counts: Awaited<ReturnType<typeof leadCountsByStatus>>;
  /** The last run; while it runs, its counts are the workflow's live progress when that is ahead of the row. */
  lastRun: CrmSyncRun | null;
}

/**
 * The second line of defence of a sync run's row: a run still `running` whose workflow chain has closed
 * (or is not known to Temporal) records how it ended: `completed`, or `failed` with the root cause or how
 * it was stopped. A chain that runs, or a Temporal that does not answer, leaves the row as it is.
 */
export async function reconcileCrmSyncRun(
  { db, temporal }: Pick<CrmServiceDependencies, 'db' | 'temporal'>,
  run: CrmSyncRun,
): Promise<{ run: CrmSyncRun; check: RowCheck }> {
  if (run.status !== 'running') return { run, check: 'settled' };
  // The row is keyed by its chain's first run id: a newer chain under the same workflow id is another run.
  const outcome = await workflowOutcomeIfKnown(temporal, run.workflowId, { firstRunId: run.runKey });
  if (!outcome) return { run, check: 'unchecked' };
  if (outcome.state === 'running') return { run, check: 'live' };
  const recorded =
    outcome.state === 'not_found'
      ? await finishSyncRun(db, run.runKey, 'failed', `its workflow ${run.workflowId} is not known to Temporal`)
      : await finishSyncRun(db, run.runKey, outcome.status === 'completed' ? 'completed' : 'failed', outcome.error);
  const current = (await findSyncRun(db, run.runKey)) ?? run;
  return { run: current, check: recorded ? 'reconciled' : current.status === 'running' ? 'live' : 'settled' };
}

/** Every running sync run checked against its workflow (for health). */
export async function reconcileRunningCrmSyncRuns(deps: Pick<CrmServiceDependencies, 'db' | 'temporal'>): Promise<RowCheck[]> {
  const runs = await runningSyncRuns(deps.db);
  return Promise.all(runs.map(async (run) => (await reconcileCrmSyncRun(deps, run)).check));
}

export async function crmSyncStatus({ db, temporal }: Pick<CrmServiceDependencies, 'db' | 'temporal'>): Promise<CrmSyncStatus> {
  const [counts, latest] = await Promise.all([leadCountsByStatus(db), latestSyncRun(db)]);
  const run = latest && (await reconcileCrmSyncRun({ db, temporal }, latest)).run;
  if (!run || run.status !== 'running') return { counts, lastRun: run };
  // The workflow knows more than the last batch written; without a worker the stored row answers.
  const progress: CrmSyncProgress | null = await temporal
    .withDeadline(Date.now() + PROGRESS_QUERY_DEADLINE_MS, () => temporal.workflow.getHandle(run.workflowId).query(crmSyncProgressQuery))
    .catch(() => null);
  if (!progress || progress.processed < run.processed) return { counts, lastRun: run };
  const { processed, created, updated, skipped, failed, requests } = progress;
  return { counts, lastRun: { ...run, processed, created, updated, skipped, failed, requests } };
}
