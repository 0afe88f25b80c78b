import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import type { Database } from '../../platform/database';
import { CountyIdAttribute, PullKindAttribute, SourceAttribute } from '../../platform/search-attributes';
import type { TaskQueues } from '../../platform/task-queues';
import { permitPullWorkflowId } from '../../workflows/permits/ids';
import type { accelaHistoricalPullWorkflow } from '../../workflows/permits/historical-pull';
import type { accelaIncrementalPullWorkflow } from '../../workflows/permits/incremental-pull';

export class PullConflictError extends Error {
  override name = 'PullConflictError';
}

export type PullRequest =
  | { jobType: 'initial_pull'; years?: number }
  | { jobType: 'incremental_pull'; dateFrom?: string; dateTo?: string; maxPermits?: number | null; status?: string | null; autoSyncToCrm?: boolean };

export interface LaunchContext {
  db: Database;
  temporal: Client;
  queues: TaskQueues;
  settings: Settings;
}

/**
 * Creates the job row and starts its workflow under the county's one pull id. A pull already running
 * (job row or workflow) is a conflict: the caller answers 409.
 */
export async function launchPermitPull(context: LaunchContext, countyId: number, request: PullRequest): Promise<{ jobId: number; workflowId: string }> {
  const parameters = request.jobType === 'initial_pull'
    ? { years: request.years ?? context.settings.ACCELA_HISTORICAL_YEARS }
    : { date_from: request.dateFrom ?? null, date_to: request.dateTo ?? null, limit: request.maxPermits ?? null, status: request.status ?? null };
  const workflowId = permitPullWorkflowId(countyId);
  let jobId: number;
  try {
    const { rows } = await context.db.query<{ id: number }>(
      `INSERT INTO permit_pull_jobs (county_id, job_type, parameters, workflow_id) VALUES ($1, $2, $3, $4) RETURNING id`,
      [countyId, request.jobType, JSON.stringify(parameters), workflowId],
    );
    jobId = rows[0]!.id;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new PullConflictError(`county ${countyId} already has a pull running`);
    throw error;
  }
  const common = {
    workflowId,
    taskQueue: context.queues.workflows,
    workflowIdConflictPolicy: 'FAIL' as const,
    typedSearchAttributes: [
      { key: SourceAttribute, value: 'accela' },
      { key: PullKindAttribute, value: request.jobType },
      { key: CountyIdAttribute, value: String(countyId) },
    ],
  };
  try {
    if (request.jobType === 'initial_pull') {
      await context.temporal.workflow.start<typeof accelaHistoricalPullWorkflow>('accelaHistoricalPullWorkflow', {
        ...common,
        args: [{ countyId, jobId, years: parameters.years as number, windowDays: context.settings.ACCELA_WINDOW_DAYS, yearConcurrency: context.settings.ACCELA_YEAR_CONCURRENCY, pageHeartbeatTimeoutSeconds: context.settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS }],
      });
    } else {
      await context.temporal.workflow.start<typeof accelaIncrementalPullWorkflow>('accelaIncrementalPullWorkflow', {
        ...common,
        args: [{
          countyId, jobId, windowDays: context.settings.ACCELA_INCREMENTAL_WINDOW_DAYS, dateFrom: request.dateFrom, dateTo: request.dateTo,
          maxPermits: request.maxPermits ?? null, status: request.status ?? null, autoSyncToCrm: request.autoSyncToCrm ?? false,
          pageHeartbeatTimeoutSeconds: context.settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS,
        }],
      });
    }
  } catch (error) {
    await context.db.query(`DELETE FROM permit_pull_jobs WHERE id = $1`, [jobId]);
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new PullConflictError(`county ${countyId} already has a pull running`);
    throw error;
  }
  return { jobId, workflowId };
}

/** Asks the job's workflow to stop after its page in flight; false when the job is not running. */
export async function cancelPermitPull(context: Pick<LaunchContext, 'db' | 'temporal'>, jobId: number): Promise<boolean> {
  const { rows } = await context.db.query<{ workflow_id: string | null; status: string }>(
    `SELECT workflow_id, status FROM permit_pull_jobs WHERE id = $1`,
    [jobId],
  );
  const job = rows[0];
  if (!job || !job.workflow_id || !['pending', 'running'].includes(job.status)) return false;
  await context.temporal.workflow.getHandle(job.workflow_id).cancel();
  return true;
}
