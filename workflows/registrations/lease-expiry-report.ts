import { ApplicationFailure, CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RegistrationActivities, ReportToSave } from '../../activities/registrations/activities';
import { NON_RETRYABLE_CEPIK_FAILURES } from '../../clients/cepik/failure-types';
import { resolveVoivodeship } from '../../domain/registrations/voivodeships';
import { type DateWindow, leaseExpiryWindow, splitWindow } from '../../domain/registrations/windows';
import { activityTaskQueue } from '../task-queues';

export interface LeaseExpiryReportInput {
  regionCode: string;
  monthsBack: number;
  windowMonths: number;
  brands: string[];
  /** Given by the API (it is part of the workflow id); a scheduled run computes it from its start time. */
  window?: DateWindow;
  brandConcurrency: number;
  /** Attempts per brand pull; 429s, spurious 404s and cut-off bodies each use one. */
  maxAttempts: number;
}

export interface LeaseExpiryReportResult {
  reportId: number;
  total: number;
  window: DateWindow;
  pages: number;
}

/**
 * Lease-expiry report for one voivodeship: one activity per brand and window part (windows over two
 * years are split), a bounded number of brands at a time; each activity pages through CEPiK and
 * upserts page by page. Only cursors and counts come back; the report is counted in PostgreSQL.
 */
export async function cepikLeaseExpiryReportWorkflow(input: LeaseExpiryReportInput): Promise<LeaseExpiryReportResult> {
  const region = resolveVoivodeship(input.regionCode);
  if (!region) throw ApplicationFailure.nonRetryable(`unknown voivodeship code ${input.regionCode}`, 'InvalidRegion');
  const window = input.window ?? leaseExpiryWindow(new Date(), input.monthsBack, input.windowMonths);
  const { workflowId, runId } = workflowInfo();

  const { pullBrandRegistrations } = proxyActivities<RegistrationActivities>({
    taskQueue: activityTaskQueue('http'),
    // Pages are paced at about 1 request/s and each may take up to the 60 s request timeout.
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '3 minutes',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: input.maxAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE_CEPIK_FAILURES,
    },
  });
  const { saveLeaseExpiryReport, recordLeaseExpiryFailure } = proxyActivities<RegistrationActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: [] },
  });

  const report: ReportToSave = {
    pullRun: runId,
    workflowId,
    region,
    monthsBack: input.monthsBack,
    windowMonths: input.windowMonths,
    window,
    brands: input.brands,
  };
  const parts = splitWindow(window);
  const pending = [...input.brands];
  let pages = 0;
  const pullNextBrands = async () => {
    for (let brand = pending.shift(); brand !== undefined; brand = pending.shift()) {
      for (const part of parts) {
        const cursor = await pullBrandRegistrations({ pullRun: runId, jobRef: workflowId, regionCode: region.code, brand, window: part });
        pages += cursor.pages;
      }
    }
  };

  const lanes = new CancellationScope();
  try {
    await lanes.run(() => Promise.all(Array.from({ length: Math.min(input.brandConcurrency, input.brands.length) }, pullNextBrands)));
  } catch (error) {
    // One brand failed for good (or the run was cancelled): stop the other brands' pulls now.
    lanes.cancel();
    const reason = error instanceof Error ? `${error.message}: ${String(error.cause ?? '')}` : String(error);
    await CancellationScope.nonCancellable(() => recordLeaseExpiryFailure({ ...report, error: reason }));
    throw error;
  }
  const saved = await saveLeaseExpiryReport(report);
  return { ...saved, window, pages };
}
