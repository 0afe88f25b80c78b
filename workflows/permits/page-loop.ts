import { CancellationScope, setHandler, workflowInfo } from '@temporalio/workflow';
import { emptyCounts, type PageCounts } from '../../domain/permits/page-counts';
import type { PermitPageInput } from '../../activities/permits/pull-activities';
import type { PullCursor } from '../../domain/permits/pull-cursor';
import { pageActivities } from './activity-proxies';
import { addCounts, stopAfterPageSignal } from './progress';

export interface PageLoopState {
  cursor: PullCursor | null;
  counts: PageCounts;
  batches: number;
  stopped: boolean;
}

/**
 * Pages until the cursor runs out, a limit is reached, a stop is asked for (signal or cancellation), or
 * it is time to continue as new: when Temporal suggests it, or after `maxPagesPerRun` pages in this run
 * (a smaller history on purpose, and how tests reach that branch). A page in flight always finishes:
 * it runs non-cancellable.
 */
export async function runPageLoop(
  base: Omit<PermitPageInput, 'cursor'>,
  start: { cursor: PullCursor | null; counts?: PageCounts; batches?: number },
  options: {
    maxPermits?: number | null;
    maxPagesPerRun?: number;
    onPage?: (state: PageLoopState) => void;
    heartbeatTimeoutSeconds?: number;
    /** The Web UI's one-line summary of the page activity about to run (page number counted from 1). */
    pageSummary?: (page: number, cursor: PullCursor) => string;
  },
): Promise<PageLoopState> {
  const { pullPermitPage } = pageActivities(options.heartbeatTimeoutSeconds);
  const state: PageLoopState = { cursor: start.cursor, counts: start.counts ?? emptyCounts(), batches: start.batches ?? 0, stopped: false };
  setHandler(stopAfterPageSignal, () => {
    state.stopped = true;
  });
  CancellationScope.current().cancelRequested.catch(() => {
    state.stopped = true;
  });
  let pagesThisRun = 0;
  const timeToContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || (options.maxPagesPerRun !== undefined && pagesThisRun >= options.maxPagesPerRun);
  while (state.cursor && !state.stopped) {
    const cursor = state.cursor;
    const summary = options.pageSummary?.(state.batches + 1, cursor);
    const page = await CancellationScope.nonCancellable(() => pullPermitPage.executeWithOptions(summary ? { summary } : {}, [{ ...base, cursor }]));
    state.counts = addCounts(state.counts, page.counts);
    state.batches += 1;
    pagesThisRun += 1;
    state.cursor = page.nextCursor;
    options.onPage?.(state);
    if (options.maxPermits && state.counts.permitsPulled >= options.maxPermits) break;
    if (state.cursor && timeToContinueAsNew()) break;
  }
  return state;
}
