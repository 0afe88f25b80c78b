import {
  CancellationScope, CancelledFailure, type ChildWorkflowHandle, isCancellation, ParentClosePolicy, patched, setCurrentDetails, setHandler, startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { emptyCounts } from '../../domain/permits/page-counts';
import { historicalYears } from '../../domain/permits/pull-cursor';
import { rootCauseMessage } from '../../temporal/root-cause';
import { permitPullCurrentDetails, yearPullMetadata } from '../../temporal/run-summaries';
import { type PermitSource, searchAttributes } from '../../temporal/search-attributes';
import { forEachBounded } from '../../temporal/workflow-concurrency';
import { jobActivities } from './activity-proxies';
import { permitYearWorkflowId } from './ids';
import { addCounts, permitPullProgressQuery, type PullProgress, stopAfterPageSignal, yearProgressSignal } from './progress';
import { accelaYearPullWorkflow } from './year-pull';

/** Marks runs whose year lanes are `forEachBounded` (see the lanes below). */
const BOUNDED_YEAR_LANES_PATCH = 'permits-bounded-year-lanes';

export interface HistoricalPullInput {
  countyId: number;
  /** For the Web UI's texts; runs started before it was passed show `County <id>`. */
  countyName?: string;
  jobId: number;
  /** Years back from the current one, the current year included (default 30). */
  years: number;
  windowDays: number;
  /** Years pulled at the same time (their pages share the county's rate limiter). */
  yearConcurrency?: number;
  /** How soon a page whose worker died is retried elsewhere. */
  pageHeartbeatTimeoutSeconds?: number;
  /** The county's platform, for the year runs' `Source` search attribute (runs started before it was passed: Accela). */
  source?: PermitSource;
}

export interface HistoricalPullResult {
  status: 'completed';
  counts: PullProgress['counts'];
  scheduleId: string;
}

/**
 * A county's historical pull: one child per year, oldest first, each paging through its year. On
 * cancellation the page in flight finishes and is saved, the job ends `cancelled`; on failure it ends
 * `failed` with the error. When it completes, the county's weekly incremental schedule is ensured.
 */
export async function accelaHistoricalPullWorkflow(input: HistoricalPullInput): Promise<HistoricalPullResult> {
  const { startPermitPullJob, completePermitPullYear, finishPermitPullJob, ensurePermitSchedule } = jobActivities();
  const today = new Date().toISOString().slice(0, 10);
  const years = historicalYears(Number(today.slice(0, 4)), input.years);
  const progress: PullProgress = {
    status: 'running', currentYear: null, currentBatch: 0, yearsCompleted: 0, yearsTotal: years.length, counts: emptyCounts(),
  };
  // Totals per year: running totals signalled by each year child, replaced by its result when it ends.
  const perYear = new Map<number, { counts: PullProgress['counts']; batches: number; final: boolean }>();
  const liveProgress = (): PullProgress => {
    const years = [...perYear.values()];
    return {
      ...progress,
      counts: years.reduce((total, entry) => addCounts(total, entry.counts), emptyCounts()),
      currentBatch: years.reduce((total, entry) => total + entry.batches, 0),
    };
  };
  setHandler(permitPullProgressQuery, liveProgress);
  let stopRequested = false;
  const inFlight = new Map<number, ChildWorkflowHandle<typeof accelaYearPullWorkflow>>();
  /** The run's page in the Web UI: kept up to date at every year's page and end (only counts and years). */
  const showProgress = () => {
    const live = liveProgress();
    setCurrentDetails(
      permitPullCurrentDetails({
        status: stopRequested && progress.status === 'running' ? 'stopping' : progress.status,
        counts: live.counts,
        pages: live.currentBatch,
        startedAtMs: workflowInfo().startTime.getTime(),
        nowMs: Date.now(),
        fraction: years.length > 0 ? progress.yearsCompleted / years.length : undefined,
        years: { completed: progress.yearsCompleted, total: years.length, inFlight: [...inFlight.keys()] },
      }),
    );
  };
  setHandler(yearProgressSignal, ({ year, counts, batches }) => {
    if (!perYear.get(year)?.final) perYear.set(year, { counts, batches, final: false });
    showProgress();
  });
  /** No new years; the years in flight end after their page in flight. */
  const stopYears = () => {
    stopRequested = true;
    showProgress();
    for (const child of inFlight.values()) {
      void CancellationScope.nonCancellable(() => child.signal(stopAfterPageSignal)).catch(() => undefined);
    }
  };
  CancellationScope.current().cancelRequested.catch(stopYears);
  const finish = (status: 'completed' | 'failed' | 'cancelled', errorMessage: string | null) =>
    CancellationScope.nonCancellable(() => finishPermitPullJob({ jobId: input.jobId, status, errorMessage }));

  try {
    await CancellationScope.nonCancellable(() =>
      startPermitPullJob({ countyId: input.countyId, jobId: input.jobId, workflowId: workflowInfo().workflowId, jobType: 'initial_pull', parameters: { years: input.years }, yearsTotal: years.length }),
    );
    const pullYear = async (year: number, yearIndex: number) => {
      progress.currentYear = year;
      const result = await CancellationScope.nonCancellable(async () => {
        const yearInput = {
          countyId: input.countyId, countyName: input.countyName, jobId: input.jobId, year, yearIndex, yearsTotal: years.length, today,
          windowDays: input.windowDays, pageHeartbeatTimeoutSeconds: input.pageHeartbeatTimeoutSeconds, source: input.source,
        };
        const child = await startChild(accelaYearPullWorkflow, {
          workflowId: permitYearWorkflowId(input.countyId, input.jobId, year),
          args: [yearInput],
          ...yearPullMetadata(yearInput),
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          typedSearchAttributes: searchAttributes({ source: input.source ?? 'accela', pullKind: 'initial_pull', countyId: input.countyId }),
        });
        inFlight.set(year, child);
        showProgress();
        // A stop asked for while the child was starting must still reach it.
        if (stopRequested) await child.signal(stopAfterPageSignal);
        return child.result();
      });
      inFlight.delete(year);
      perYear.set(year, { counts: result.counts, batches: result.batches, final: true });
      progress.counts = addCounts(progress.counts, result.counts);
      progress.currentBatch += result.batches;
      if (result.stopped) return;
      progress.yearsCompleted += 1;
      showProgress();
      await CancellationScope.nonCancellable(() => completePermitPullYear({ jobId: input.jobId, year }));
    };
    // Up to `yearConcurrency` years at a time, started oldest first; each year pages on its own.
    if (patched(BOUNDED_YEAR_LANES_PATCH)) {
      // A failing year stops the others after their page in flight, so the job's counts are final when it fails.
      const pullYearOrStop = (year: number, yearIndex: number) =>
        pullYear(year, yearIndex).catch((error: unknown) => {
          inFlight.delete(year);
          stopYears();
          throw error;
        });
      await forEachBounded(years, input.yearConcurrency ?? 1, pullYearOrStop, { shouldStop: () => stopRequested });
    } else {
      // Runs started before the patch replay the lanes they were recorded with (the order of their
      // commands depends on it). Remove with deprecatePatch once no such run is open.
      let nextYearIndex = 0;
      const lanes = Array.from({ length: Math.max(1, Math.min(input.yearConcurrency ?? 1, years.length)) }, async () => {
        while (nextYearIndex < years.length && !stopRequested) await pullYear(years[nextYearIndex]!, nextYearIndex++);
      });
      await Promise.all(lanes);
    }
    if (stopRequested) {
      progress.status = 'cancelled';
      showProgress();
      await finish('cancelled', null);
      throw new CancelledFailure('historical pull cancelled; the page in flight was saved');
    }
    const { scheduleId } = await CancellationScope.nonCancellable(() => ensurePermitSchedule({ countyId: input.countyId, countyName: input.countyName }));
    progress.status = 'completed';
    showProgress();
    await finish('completed', null);
    return { status: 'completed', counts: progress.counts, scheduleId };
  } catch (error) {
    if (isCancellation(error)) throw error;
    progress.status = 'failed';
    showProgress();
    await finish('failed', rootCauseMessage(error));
    throw error;
  }
}
