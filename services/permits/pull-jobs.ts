import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Database } from '../../platform/database';
import type { ListRequest } from '../../platform/list-query';
import type { TaskQueues } from '../../platform/task-queues';
import { type CountyRow, findCounty } from '../../stores/permits/county-store';
import {
  deleteJob, findActiveJob, findJob, findLiveOrCompletedHistoricalJob, finishJob, insertPendingJob, type JobStatus, listJobs, liveJobs, type PullJobRow,
} from '../../stores/permits/job-store';
import { historicalPullMetadata, incrementalPullMetadata } from '../../temporal/run-summaries';
import { searchAttributes } from '../../temporal/search-attributes';
import { type ClosedWorkflowStatus, type RowCheck, type WorkflowOutcome, workflowOutcomeIfKnown } from '../../temporal/workflow-outcome';
import type { accelaHistoricalPullWorkflow } from '../../workflows/permits/historical-pull';
import { PERMIT_PULL_PROGRESS_QUERY, permitPullWorkflowId } from '../../workflows/permits/ids';
import type { accelaIncrementalPullWorkflow } from '../../workflows/permits/incremental-pull';
import type { PullProgress } from '../../workflows/permits/progress';

export type PullRequest =
  | { jobType: 'initial_pull'; years?: number }
  | { jobType: 'incremental_pull'; dateFrom?: string; dateTo?: string; maxPermits?: number | null; status?: string | null; autoSyncToCrm?: boolean };

export interface PullJobContext {
  db: Database;
  temporal: Client;
  queues: TaskQueues;
  settings: Settings;
}

const LIVE_QUERY_TIMEOUT_MS = 2_000;

const runningConflict = (countyId: number) => new ConflictError(`county ${countyId} already has a pull running`);

async function requireCounty(db: Database, countyId: number): Promise<CountyRow> {
  const county = await findCounty(db, countyId);
  if (!county) throw new NotFoundError(`county ${countyId} does not exist`);
  return county;
}

async function requireJob(db: Database, jobId: number): Promise<PullJobRow> {
  const job = await findJob(db, jobId);
  if (!job) throw new NotFoundError(`job ${jobId} does not exist`);
  return job;
}

const isLive = (job: PullJobRow) => job.status === 'pending' || job.status === 'running';

/**
 * How long a `pending` job may wait for its workflow: the API inserts the row, then starts the workflow,
 * so a younger pending row without a running workflow may be one whose start is under way.
 */
export const WORKFLOW_START_GRACE_SECONDS = 60;

const JOB_STATUS_OF_WORKFLOW: Record<ClosedWorkflowStatus, Exclude<JobStatus, 'pending' | 'running'>> = {
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  terminated: 'failed',
  timed_out: 'failed',
};

/** The end a live job's row must record, given what became of its workflow (which is not running). */
export function permitJobEnd(
  job: { status: JobStatus; workflow_id: string | null; created_at: Date },
  outcome: Exclude<WorkflowOutcome, { state: 'running' }>,
): { status: Exclude<JobStatus, 'pending' | 'running'>; errorMessage: string | null } {
  if (outcome.state === 'not_found') return { status: 'failed', errorMessage: `its workflow ${job.workflow_id} is not known to Temporal` };
  // The county's pulls share one workflow id: a run that closed before this job existed was an earlier job's.
  if (job.status === 'pending' && outcome.closedAt && outcome.closedAt < job.created_at) {
    return { status: 'failed', errorMessage: 'its workflow never started' };
  }
  return { status: JOB_STATUS_OF_WORKFLOW[outcome.status], errorMessage: outcome.error };
}

/**
 * The second line of defence of job state, shared by every reader of a job's status: a job row still
 * pending or running whose workflow has closed or is not known to Temporal records the workflow's real
 * end (status, root cause, finished_at). A workflow that runs, or a Temporal that does not answer, leaves
 * the row as it is.
 */
export async function reconcilePermitJob(context: Pick<PullJobContext, 'db' | 'temporal'>, job: PullJobRow): Promise<{ job: PullJobRow; check: RowCheck }> {
  if (!isLive(job)) return { job, check: 'settled' };
  const outcome = job.workflow_id ? await workflowOutcomeIfKnown(context.temporal, job.workflow_id) : ({ state: 'not_found' } as const);
  if (!outcome) return { job, check: 'unchecked' };
  if (outcome.state === 'running') return { job, check: 'live' };
  const end = permitJobEnd(job, outcome);
  const recorded = await finishJob(context.db, job.id, end.status, end.errorMessage, job.status === 'pending' ? WORKFLOW_START_GRACE_SECONDS : 0);
  const current = (await findJob(context.db, job.id)) ?? job;
  return { job: current, check: recorded ? 'reconciled' : isLive(current) ? 'live' : 'settled' };
}

async function reconciledJob(context: Pick<PullJobContext, 'db' | 'temporal'>, jobId: number): Promise<PullJobRow> {
  return (await reconcilePermitJob(context, await requireJob(context.db, jobId))).job;
}

/** Every live job checked against its workflow (for health): how many are live, were reconciled, could not be checked. */
export async function reconcileLivePermitJobs(context: Pick<PullJobContext, 'db' | 'temporal'>): Promise<RowCheck[]> {
  const jobs = await liveJobs(context.db);
  return Promise.all(jobs.map(async (job) => (await reconcilePermitJob(context, job)).check));
}

/**
 * Creates the job row and starts its workflow under the county's one pull id. A pull already running
 * (job row or workflow) is a ConflictError; the job row is returned as created.
 */
export async function startPermitPull(context: PullJobContext, countyId: number, request: PullRequest): Promise<PullJobRow & { workflow_id: string }> {
  const county = await requireCounty(context.db, countyId);
  const parameters = request.jobType === 'initial_pull'
    ? { years: request.years ?? context.settings.ACCELA_HISTORICAL_YEARS }
    : { date_from: request.dateFrom ?? null, date_to: request.dateTo ?? null, limit: request.maxPermits ?? null, status: request.status ?? null };
  const workflowId = permitPullWorkflowId(countyId);
  const insert = () => insertPendingJob(context.db, countyId, request.jobType, parameters, workflowId);
  let jobId = await insert();
  if (jobId === null) {
    // The county's live job may be one whose workflow has ended without saying so: reconciled, it frees the county.
    const active = await findActiveJob(context.db, countyId);
    if (active && (await reconcilePermitJob(context, active)).check === 'reconciled') jobId = await insert();
    if (jobId === null) throw runningConflict(countyId);
  }
  const common = {
    workflowId,
    taskQueue: context.queues.workflows,
    workflowIdConflictPolicy: 'FAIL' as const,
    typedSearchAttributes: searchAttributes({ source: county.platform, pullKind: request.jobType, countyId }),
  };
  const { settings } = context;
  const start = async () => {
    if (request.jobType === 'initial_pull') {
      const input = {
        countyId, countyName: String(county.name), jobId, years: parameters.years as number, windowDays: settings.ACCELA_WINDOW_DAYS,
        yearConcurrency: settings.ACCELA_YEAR_CONCURRENCY, pageHeartbeatTimeoutSeconds: settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS, source: county.platform,
      };
      await context.temporal.workflow.start<typeof accelaHistoricalPullWorkflow>('accelaHistoricalPullWorkflow', {
        ...common,
        ...historicalPullMetadata(input),
        args: [input],
      });
    } else {
      const input = {
        countyId, countyName: String(county.name), jobId, windowDays: settings.ACCELA_INCREMENTAL_WINDOW_DAYS, dateFrom: request.dateFrom, dateTo: request.dateTo,
        maxPermits: request.maxPermits ?? null, status: request.status ?? null, autoSyncToCrm: request.autoSyncToCrm ?? false,
        pageHeartbeatTimeoutSeconds: settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS,
      };
      await context.temporal.workflow.start<typeof accelaIncrementalPullWorkflow>('accelaIncrementalPullWorkflow', {
        ...common,
        ...incrementalPullMetadata({ ...input, source: county.platform }),
        args: [input],
      });
    }
  };
  try {
    try {
      await start();
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // The county had no live job (its row was inserted), so the run under its id is the previous pull returning
      // after it recorded its end: once that run has closed, the id is free.
      await waitForRunToClose(context.temporal, workflowId);
      await start();
    }
  } catch (error) {
    await deleteJob(context.db, jobId);
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw runningConflict(countyId);
    throw error;
  }
  return { ...(await findJob(context.db, jobId))!, workflow_id: workflowId };
}

/** How long a start waits for the county's previous run to close after that run recorded its job's end. */
const PREVIOUS_RUN_CLOSE_TIMEOUT_MS = 10_000;

async function waitForRunToClose(temporal: Client, workflowId: string): Promise<void> {
  await temporal.withDeadline(Date.now() + PREVIOUS_RUN_CLOSE_TIMEOUT_MS, () => temporal.workflow.getHandle(workflowId).result()).catch(() => undefined);
}

/** A county's jobs, newest first (its live job reconciled with its workflow first). */
export async function listPermitJobs(context: Pick<PullJobContext, 'db' | 'temporal'>, countyId: number, filter: { status?: JobStatus }, request: ListRequest) {
  await requireCounty(context.db, countyId);
  const active = await findActiveJob(context.db, countyId);
  if (active) await reconcilePermitJob(context, active);
  return listJobs(context.db, countyId, filter, request);
}

/** A job, with the workflow's own live progress while it runs and a worker answers in time (else null). */
export async function getPermitJob(context: Pick<PullJobContext, 'db' | 'temporal'>, jobId: number): Promise<{ job: PullJobRow; live: PullProgress | null }> {
  const job = await reconciledJob(context, jobId);
  if (job.status !== 'running' || !job.workflow_id) return { job, live: null };
  // The database row is updated at every page; the query adds the workflow's own view.
  const live = await context.temporal
    .withDeadline(Date.now() + LIVE_QUERY_TIMEOUT_MS, () => context.temporal.workflow.getHandle(job.workflow_id!).query<PullProgress>(PERMIT_PULL_PROGRESS_QUERY))
    .catch(() => null);
  return { job, live };
}

const notRunning = (job: PullJobRow) =>
  new ConflictError(`job ${job.id} is ${job.status}, not running${job.error_message ? `: ${job.error_message}` : ''}`, {
    status: job.status,
    error_message: job.error_message ?? null,
  });

/**
 * Asks the job's workflow to stop after its page in flight. A job that has ended, including one whose
 * workflow ended without recording it (reconciled here), is a ConflictError naming how it ended.
 */
export async function cancelPermitJob(context: Pick<PullJobContext, 'db' | 'temporal'>, jobId: number): Promise<PullJobRow> {
  const job = await reconciledJob(context, jobId);
  if (!job.workflow_id || !isLive(job)) throw notRunning(job);
  try {
    await context.temporal.workflow.getHandle(job.workflow_id).cancel();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    // Its workflow closed a moment ago, or (a young pending job) has not started yet.
    const current = await reconciledJob(context, jobId);
    if (!isLive(current)) throw notRunning(current);
    throw new ConflictError(`job ${jobId} is ${current.status} and its workflow has not started; try again shortly`, { status: current.status });
  }
  return job;
}

/** Deletes a finished job's record (reconciled first); a job still pending or running is a ConflictError. */
export async function deletePermitJob(context: Pick<PullJobContext, 'db' | 'temporal'>, jobId: number): Promise<void> {
  const job = await reconciledJob(context, jobId);
  if (isLive(job)) throw new ConflictError(`job ${jobId} is ${job.status}; cancel it first`);
  await deleteJob(context.db, jobId);
}

/** The county's newest historical pull that is pending, running or completed (the sandbox starts one only once). */
export async function findLiveOrCompletedHistoricalPull(db: Database, countyId: number): Promise<PullJobRow | null> {
  return findLiveOrCompletedHistoricalJob(db, countyId);
}

/**
 * Waits for the county's newest historical pull to end (its workflow writes the job row before it returns),
 * so the leads it made exist; false when none ran or runs. The sandbox's CRM demo sync waits on it.
 */
export async function historicalPullFinished(context: Pick<PullJobContext, 'db' | 'temporal'>, countyId: number): Promise<boolean> {
  const job = await findLiveOrCompletedHistoricalJob(context.db, countyId);
  if (!job) return false;
  if (job.status !== 'completed') await context.temporal.workflow.getHandle(job.workflow_id ?? permitPullWorkflowId(countyId)).result();
  return true;
}
