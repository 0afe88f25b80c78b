import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { NotFoundError } from '../../domain/errors';
import type { DateWindow } from '../../domain/registrations/windows';
import { reportById, type LeaseExpiryReport } from '../../stores/registrations/report-repository';
import { rootCauseMessage } from '../../temporal/root-cause';
import { leaseExpiryReportMetadata } from '../../temporal/run-summaries';
import { searchAttributes } from '../../temporal/search-attributes';
import { closedWorkflowMessage, closedWorkflowStatus } from '../../temporal/workflow-outcome';
import { leaseExpiryWorkflowId } from '../../workflows/registrations/ids';
import type { cepikLeaseExpiryReportWorkflow, LeaseExpiryReportResult } from '../../workflows/registrations/lease-expiry-report';
import type { RegistrationServiceDependencies } from './dependencies';
import type { ReportRequest } from './report-request';

/** What a report job id looks like, for the API to refuse anything else before asking Temporal. */
export { LEASE_EXPIRY_WORKFLOW_ID_PATTERN as REPORT_JOB_ID_PATTERN } from '../../workflows/registrations/ids';

const START_DEADLINE_MS = 5_000;

/** Why a report run failed, as the API and the job status tell it. */
export const pullFailureMessage = (error: WorkflowFailedError) => `CEPiK pull failed: ${rootCauseMessage(error)}`;

/**
 * Starts the report run for a request and window, or joins the one already running for the same
 * region, window and brands (the workflow id says which; conflict policy USE_EXISTING).
 */
export function startReportJob(
  { temporal, queues, settings }: Pick<RegistrationServiceDependencies, 'temporal' | 'queues' | 'settings'>,
  request: ReportRequest,
  window: DateWindow,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof cepikLeaseExpiryReportWorkflow>> {
  const workflowId = leaseExpiryWorkflowId(request.region.code, window, request.brands);
  const metadata = leaseExpiryReportMetadata({
    regionCode: request.region.code, regionName: request.region.name, brands: request.brands, monthsBack: request.monthsBack,
    windowMonths: request.windowMonths, window, workflowId,
  });
  // Bounded: with Temporal down the client would otherwise retry for about 20 s before giving up.
  return temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    temporal.workflow.start<typeof cepikLeaseExpiryReportWorkflow>('cepikLeaseExpiryReportWorkflow', {
      workflowId,
      taskQueue: queues.workflows,
      ...metadata,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [
        {
          regionCode: request.region.code,
          monthsBack: request.monthsBack,
          windowMonths: request.windowMonths,
          brands: request.brands,
          window,
          brandConcurrency: settings.CEPIK_BRAND_CONCURRENCY,
          maxAttempts: settings.CEPIK_PULL_MAX_ATTEMPTS,
        },
      ],
      typedSearchAttributes: searchAttributes({ source: 'cepik', pullKind: 'lease-expiry', region: request.region.code }),
    }),
  );
}

/** A report run as the job status tells it: its report once complete, its reason once failed. */
export interface ReportJob {
  jobId: string;
  status: string;
  startedAt: Date;
  closedAt: Date | undefined;
  completed?: { report: LeaseExpiryReport | undefined; pages: number; window: DateWindow };
  failure?: string;
}

/**
 * The status of a report run, read from Temporal itself (no row can say otherwise); NotFoundError when
 * Temporal knows no such run. A run that did not complete says why: its root cause, or how it was stopped.
 */
export async function reportJob({ temporal, db }: Pick<RegistrationServiceDependencies, 'temporal' | 'db'>, jobId: string): Promise<ReportJob> {
  const handle = temporal.workflow.getHandle<typeof cepikLeaseExpiryReportWorkflow>(jobId);
  const description = await handle.describe().catch((error: unknown) => {
    throw error instanceof WorkflowNotFoundError ? new NotFoundError(`no job ${jobId}`) : error;
  });
  const job: ReportJob = { jobId, status: description.status.name, startedAt: description.startTime, closedAt: description.closeTime };
  if (description.status.name === 'COMPLETED') {
    const result: LeaseExpiryReportResult = await handle.result();
    return { ...job, completed: { report: await reportById(db, result.reportId), pages: result.pages, window: result.window } };
  }
  const closed = closedWorkflowStatus(description);
  if (closed && closed !== 'completed') {
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => {
        if (!(error instanceof WorkflowFailedError)) return String(error);
        return closed === 'failed' ? pullFailureMessage(error) : `CEPiK pull stopped: ${closedWorkflowMessage(closed, error)}`;
      },
    );
    return { ...job, failure };
  }
  return job;
}
