import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Database } from '../../platform/database';
import type { TaskQueues } from '../../platform/task-queues';
import { findCounty } from '../../stores/permits/county-store';
import {
  deleteJob, findJob, findLiveOrCompletedHistoricalJob, insertPendingJob, type JobStatus, listJobs, type PullJobRow,
} from '../../stores/permits/job-store';
import { searchAttributes } from '../../temporal/search-attributes';
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

async function requireCounty(db: Database, countyId: number): Promise<void> {
  if (!(await findCounty(db, countyId))) throw new NotFoundError(`county ${countyId} does not exist`);
}

async function requireJob(db: Database, jobId: number): Promise<PullJobRow> {
  const job = await findJob(db, jobId);
  if (!job) throw new NotFoundError(`job ${jobId} does not exist`);
  return job;
}

/**
 * Creates the job row and starts its workflow under the county's one pull id. A pull already running
 * (job row or workflow) is a ConflictError; the job row is returned as created.
 */
export async function startPermitPull(context: PullJobContext, countyId: number, request: PullRequest): Promise<PullJobRow & { workflow_id: string }> {
  await requireCounty(context.db, countyId);
  const parameters = request.jobType === 'initial_pull'
    ? { years: request.years ?? context.settings.ACCELA_HISTORICAL_YEARS }
    : { date_from: request.dateFrom ?? null, date_to: request.dateTo ?? null, limit: request.maxPermits ?? null, status: request.status ?? null };
  const workflowId = permitPullWorkflowId(countyId);
  const jobId = await insertPendingJob(context.db, countyId, request.jobType, parameters, workflowId);
  if (jobId === null) throw runningConflict(countyId);
  const common = {
    workflowId,
    taskQueue: context.queues.workflows,
    workflowIdConflictPolicy: 'FAIL' as const,
    typedSearchAttributes: searchAttributes({ source: 'accela', pullKind: request.jobType, countyId }),
  };
  const { settings } = context;
  try {
    if (request.jobType === 'initial_pull') {
      await context.temporal.workflow.start<typeof accelaHistoricalPullWorkflow>('accelaHistoricalPullWorkflow', {
        ...common,
        args: [{
          countyId, jobId, years: parameters.years as number, windowDays: settings.ACCELA_WINDOW_DAYS, yearConcurrency: settings.ACCELA_YEAR_CONCURRENCY,
          pageHeartbeatTimeoutSeconds: settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS,
        }],
      });
    } else {
      await context.temporal.workflow.start<typeof accelaIncrementalPullWorkflow>('accelaIncrementalPullWorkflow', {
        ...common,
        args: [{
          countyId, jobId, windowDays: settings.ACCELA_INCREMENTAL_WINDOW_DAYS, dateFrom: request.dateFrom, dateTo: request.dateTo,
          maxPermits: request.maxPermits ?? null, status: request.status ?? null, autoSyncToCrm: request.autoSyncToCrm ?? false,
          pageHeartbeatTimeoutSeconds: settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS,
        }],
      });
    }
  } catch (error) {
    await deleteJob(context.db, jobId);
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw runningConflict(countyId);
    throw error;
  }
  return { ...(await findJob(context.db, jobId))!, workflow_id: workflowId };
}

/** A county's jobs, newest first. */
export async function listPermitJobs(db: Database, countyId: number, filter: { status?: JobStatus; limit: number }): Promise<PullJobRow[]> {
  await requireCounty(db, countyId);
  return listJobs(db, countyId, filter);
}

/** A job, with the workflow's own live progress while it runs and a worker answers in time (else null). */
export async function getPermitJob(context: Pick<PullJobContext, 'db' | 'temporal'>, jobId: number): Promise<{ job: PullJobRow; live: PullProgress | null }> {
  const job = await requireJob(context.db, jobId);
  if (job.status !== 'running' || !job.workflow_id) return { job, live: null };
  // The database row is updated at every page; the query adds the workflow's own view.
  const live = await context.temporal
    .withDeadline(Date.now() + LIVE_QUERY_TIMEOUT_MS, () => context.temporal.workflow.getHandle(job.workflow_id!).query<PullProgress>(PERMIT_PULL_PROGRESS_QUERY))
    .catch(() => null);
  return { job, live };
}

/** Asks the job's workflow to stop after its page in flight; a job that is not running is a ConflictError. */
export async function cancelPermitJob(context: Pick<PullJobContext, 'db' | 'temporal'>, jobId: number): Promise<PullJobRow> {
  const job = await requireJob(context.db, jobId);
  if (!job.workflow_id || !['pending', 'running'].includes(job.status)) throw new ConflictError(`job ${jobId} is ${job.status}, not running`);
  await context.temporal.workflow.getHandle(job.workflow_id).cancel();
  return job;
}

/** Deletes a finished job's record; a job still pending or running is a ConflictError. */
export async function deletePermitJob(db: Database, jobId: number): Promise<void> {
  const job = await requireJob(db, jobId);
  if (['pending', 'running'].includes(job.status)) throw new ConflictError(`job ${jobId} is ${job.status}; cancel it first`);
  await deleteJob(db, jobId);
}

/** The county's newest historical pull that is pending, running or completed (the sandbox starts one only once). */
export async function findLiveOrCompletedHistoricalPull(db: Database, countyId: number): Promise<PullJobRow | null> {
  return findLiveOrCompletedHistoricalJob(db, countyId);
}
