import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { PageCounts } from '../../domain/permits/page-counts';
import { PERMIT_PULL_PROGRESS_QUERY, PERMIT_PULL_WAITING_SIGNAL, type PullWaiting } from './ids';

export { addCounts } from '../../domain/permits/page-counts';

export interface PullProgress {
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  currentYear: number | null;
  currentBatch: number;
  yearsCompleted: number;
  yearsTotal: number;
  counts: PageCounts;
}

export const permitPullProgressQuery = defineQuery<PullProgress>(PERMIT_PULL_PROGRESS_QUERY);
/** A year child's running totals, sent to its parent after every pages activity so the parent's query is live. */
export const yearProgressSignal = defineSignal<[{ year: number; counts: PageCounts; batches: number }]>('permitYearProgress');
/** Its page activity waits long for a rate limit: shown in the run's current details until the next page. */
export const pullWaitingSignal = defineSignal<[PullWaiting]>(PERMIT_PULL_WAITING_SIGNAL);
/** Asks a pull to stop after the page in flight (how cancellation reaches a year child). */
export const stopAfterPageSignal = defineSignal('stopAfterPage');

