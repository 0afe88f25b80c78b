import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { RegistrationActivities, ReportToSave } from '../../activities/registrations/activities';
import { NON_RETRYABLE_CEPIK_FAILURES } from '../../domain/registrations/cepik-failures';
import { resolveVoivodeship } from '../../domain/registrations/voivodeships';
import { type DateWindow, leaseExpiryWindow, splitWindow } from '../../domain/registrations/windows';
import { retryPolicy } from '../../temporal/retry-profiles';
import { rootCauseMessage } from '../../temporal/root-cause';
import { brandPullActivitySummary, leaseExpiryCurrentDetails } from '../../temporal/run-summaries';
import { forEachBounded } from '../../temporal/workflow-concurrency';
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
    retry: retryPolicy('sourcePage', NON_RETRYABLE_CEPIK_FAILURES, { maximumAttempts: input.maxAttempts }),
  });
  const { saveLeaseExpiryReport, recordLeaseExpiryFailure } = proxyActivities<RegistrationActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '1 minute',
    retry: retryPolicy('bookkeeping'),
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
  let pages = 0;
  let brandsDone = 0;
  const brandsInFlight = new Set<string>();
  /** The run's page in the Web UI: brands done and in flight, pages, rate, ETA. */
  const showProgress = (status: 'running' | 'saving' | 'completed' | 'failed') =>
    setCurrentDetails(
      leaseExpiryCurrentDetails({
        status, brandsTotal: input.brands.length, brandsDone, brandsInFlight: [...brandsInFlight], pages,
        startedAtMs: workflowInfo().startTime.getTime(), nowMs: Date.now(),
      }),
    );
  showProgress('running');
  const pullBrand = async (brand: string) => {
    brandsInFlight.add(brand);
    showProgress('running');
    for (const part of parts) {
      const cursor = await pullBrandRegistrations.executeWithOptions({ summary: brandPullActivitySummary({ brand, window: part }) }, [
        { pullRun: runId, jobRef: workflowId, regionCode: region.code, brand, window: part },
      ]);
      pages += cursor.pages;
    }
    brandsInFlight.delete(brand);
    brandsDone += 1;
    showProgress('running');
  };

  // A brand's final failure (or the run's cancellation) is recorded, then the other brands' pulls are
  // cancelled at once rather than when they finish. That order is what runs already recorded replay.
  const pulls = new CancellationScope();
  let recordingFailure: Promise<void> | undefined;
  const failRun = (error: unknown) => {
    // A cancellation's own failure carries no message, so it is named here.
    const reason = isCancellation(error) ? 'the run was cancelled' : rootCauseMessage(error);
    recordingFailure ??= CancellationScope.nonCancellable(() => recordLeaseExpiryFailure({ ...report, error: reason }));
    pulls.cancel();
  };
  try {
    await pulls.run(() =>
      forEachBounded(input.brands, input.brandConcurrency, (brand) =>
        pullBrand(brand).catch((error: unknown) => {
          failRun(error);
          throw error;
        }),
      ),
    );
  } catch (error) {
    failRun(error);
    showProgress('failed');
    await recordingFailure;
    throw error;
  }
  showProgress('saving');
  const saved = await saveLeaseExpiryReport(report);
  showProgress('completed');
  return { ...saved, window, pages };
}
