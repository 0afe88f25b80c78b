import { CancellationScope, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { emptyCounts, type PageCounts } from '../../domain/permits/page-counts';
import type { PermitPageInput } from '../../activities/permits/pull-activities';
import type { PullCursor } from '../../domain/permits/pull-cursor';
import { pageActivities } from './activity-proxies';
import type { PullWaiting } from './ids';
import { addCounts, pullWaitingSignal, stopAfterPageSignal } from './progress';

/** Runs from this patch on fetch several pages per activity (`pullPermitPages`); older runs replay page by page. */
export const PAGES_PER_ACTIVITY_PATCH = 'permit-pages-per-activity';

export interface PageLoopState {
  cursor: PullCursor | null;
  counts: PageCounts;
  batches: number;
  stopped: boolean;
  /** What the pages activity in flight waits for, until its pages end. */
  waiting: PullWaiting | null;
}

/**
 * Pages until the cursor runs out, a limit is reached, a stop is asked for (signal or cancellation), or
 * it is time to continue as new: when Temporal suggests it, or after `maxPagesPerRun` pages in this run
 * (a smaller history on purpose, and how tests reach that branch). The pages activity in flight always
 * finishes: it runs non-cancellable, so a stop takes effect after its pages (at most `ACCELA_PAGES_PER_ACTIVITY`).
 */
export async function runPageLoop(
  base: Omit<PermitPageInput, 'cursor'>,
  start: { cursor: PullCursor | null; counts?: PageCounts; batches?: number },
  options: {
    maxPermits?: number | null;
    maxPagesPerRun?: number;
    onPage?: (state: PageLoopState) => void;
    /** The pages activity reported a long rate-limit wait. */
    onWaiting?: (state: PageLoopState) => void;
    heartbeatTimeoutSeconds?: number;
    /** The Web UI's one-line summary of the page activity about to run (page number counted from 1). */
    pageSummary?: (page: number, cursor: PullCursor) => string;
  },
): Promise<PageLoopState> {
  const { pullPermitPage, pullPermitPages } = pageActivities(options.heartbeatTimeoutSeconds);
  const state: PageLoopState = { cursor: start.cursor, counts: start.counts ?? emptyCounts(), batches: start.batches ?? 0, stopped: false, waiting: null };
  setHandler(stopAfterPageSignal, () => {
    state.stopped = true;
  });
  setHandler(pullWaitingSignal, (waiting) => {
    state.waiting = waiting;
    options.onWaiting?.(state);
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
    const withSummary = summary ? { summary } : {};
    let page: { counts: PageCounts; nextCursor: PullCursor | null; pages: number };
    if (patched(PAGES_PER_ACTIVITY_PATCH)) {
      const maxPages = options.maxPagesPerRun === undefined ? undefined : options.maxPagesPerRun - pagesThisRun;
      const maxPermits = options.maxPermits ? options.maxPermits - state.counts.permitsPulled : null;
      page = await CancellationScope.nonCancellable(() => pullPermitPages.executeWithOptions(withSummary, [{ ...base, cursor, maxPages, maxPermits }]));
    } else {
      page = { ...(await CancellationScope.nonCancellable(() => pullPermitPage.executeWithOptions(withSummary, [{ ...base, cursor }]))), pages: 1 };
    }
    state.counts = addCounts(state.counts, page.counts);
    state.batches += page.pages;
    pagesThisRun += page.pages;
    state.cursor = page.nextCursor;
    state.waiting = null;
    options.onPage?.(state);
    if (options.maxPermits && state.counts.permitsPulled >= options.maxPermits) break;
    if (state.cursor && timeToContinueAsNew()) break;
  }
  return state;
}
