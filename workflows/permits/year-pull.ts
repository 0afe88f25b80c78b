import { continueAsNew, getExternalWorkflowHandle, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { emptyCounts, type PageCounts } from '../../domain/permits/page-counts';
import { cursorProgress, firstCursor, type PullCursor, yearRange } from '../../domain/permits/pull-cursor';
import { permitPageActivitySummary, permitPullCurrentDetails } from '../../temporal/run-summaries';
import type { PermitSource } from '../../temporal/search-attributes';
import { type PageLoopState, runPageLoop } from './page-loop';
import { permitPullProgressQuery, yearProgressSignal } from './progress';

export interface YearPullInput {
  countyId: number;
  /** For the Web UI's texts (absent in runs started before it was passed). */
  countyName?: string;
  /** The county's platform, for the Web UI's texts (absent in runs started before it was passed: Accela). */
  source?: PermitSource;
  jobId: number;
  year: number;
  yearIndex: number;
  yearsTotal: number;
  today: string;
  windowDays: number;
  pageHeartbeatTimeoutSeconds?: number;
  /** Continue as new after this many pages in one run (besides when Temporal suggests it). */
  maxPagesPerRun?: number;
  /** Carried over by continue-as-new. */
  cursor?: PullCursor | null;
  counts?: PageCounts;
  batches?: number;
}

export interface YearPullResult {
  counts: PageCounts;
  batches: number;
  stopped: boolean;
}

/** One year of a historical pull, page by page; continues as new when Temporal suggests it or after `maxPagesPerRun` pages. */
export async function accelaYearPullWorkflow(input: YearPullInput): Promise<YearPullResult> {
  const start = input.cursor !== undefined ? input.cursor : firstCursor(yearRange(input.year, input.today), ['opened'], input.windowDays);
  let latest = { counts: input.counts, batches: input.batches ?? 0, stopped: false };
  setHandler(permitPullProgressQuery, () => ({
    status: 'running',
    currentYear: input.year,
    currentBatch: latest.batches,
    yearsCompleted: input.yearIndex,
    yearsTotal: input.yearsTotal,
    counts: latest.counts ?? emptyCounts(),
  }));
  /** The run's page in the Web UI: counts, rate, how far through the year, the page in flight. */
  const showProgress = (state: Pick<PageLoopState, 'cursor' | 'counts' | 'batches' | 'stopped'> & { waiting?: PageLoopState['waiting'] }) =>
    setCurrentDetails(
      permitPullCurrentDetails({
        status: state.cursor === null ? 'completed' : state.stopped ? 'stopping' : 'running',
        counts: state.counts,
        pages: state.batches,
        startedAtMs: workflowInfo().startTime.getTime(),
        nowMs: Date.now(),
        fraction: state.cursor ? cursorProgress(state.cursor) : 1,
        nextPage: state.cursor,
        waiting: state.waiting,
      }),
    );
  showProgress({ cursor: start, counts: input.counts ?? emptyCounts(), batches: input.batches ?? 0, stopped: false });
  const state = await runPageLoop(
    { countyId: input.countyId, jobId: input.jobId, progress: { year: input.year }, asOf: input.today },
    { cursor: start, counts: input.counts, batches: input.batches },
    {
      heartbeatTimeoutSeconds: input.pageHeartbeatTimeoutSeconds,
      maxPagesPerRun: input.maxPagesPerRun,
      pageSummary: (page, cursor) => permitPageActivitySummary({ ...input, page, cursor }),
      onWaiting: showProgress,
      onPage: (s) => {
        latest = { counts: s.counts, batches: s.batches, stopped: s.stopped };
        showProgress(s);
        const parent = workflowInfo().parent;
        // Best effort: the parent replaces these totals with the year's result when the year ends.
        if (parent) {
          void getExternalWorkflowHandle(parent.workflowId)
            .signal(yearProgressSignal, { year: input.year, counts: s.counts, batches: s.batches })
            .catch(() => undefined);
        }
      },
    },
  );
  if (state.cursor && !state.stopped) {
    await continueAsNew<typeof accelaYearPullWorkflow>({ ...input, cursor: state.cursor, counts: state.counts, batches: state.batches });
  }
  return { counts: state.counts, batches: state.batches, stopped: state.stopped };
}
