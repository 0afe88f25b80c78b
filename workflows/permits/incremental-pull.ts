import {
  CancellationScope, CancelledFailure, ContinueAsNew, continueAsNew, isCancellation, ParentClosePolicy, setCurrentDetails, setHandler, startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { emptyCounts, type PageCounts } from '../../domain/permits/page-counts';
import { cursorProgress, firstCursor, incrementalRange, type PullCursor } from '../../domain/permits/pull-cursor';
import { rootCauseMessage } from '../../temporal/root-cause';
import { crmSyncMetadata, permitPageActivitySummary, permitPullCurrentDetails } from '../../temporal/run-summaries';
import { PENDING_LEADS_SYNC_WORKFLOW_ID } from '../crm/workflow-ids';
import { jobActivities } from './activity-proxies';
import { type PageLoopState, runPageLoop } from './page-loop';
import { permitPullProgressQuery, type PullProgress } from './progress';

export interface IncrementalPullInput {
  countyId: number;
  /** For the Web UI's texts (absent in runs started before it was passed). */
  countyName?: string;
  /** Set when the API created the job; scheduled runs create their own. */
  jobId?: number;
  /** The days before the scheduled (or start) time to pull; default 8 (one day of overlap with last week). */
  windowDays?: number;
  /** An explicit window (`yyyy-MM-dd`, inclusive) instead: ad-hoc pulls. */
  dateFrom?: string;
  dateTo?: string;
  maxPermits?: number | null;
  status?: string | null;
  autoSyncToCrm?: boolean;
  pageHeartbeatTimeoutSeconds?: number;
  /** Continue as new after this many pages in one run (besides when Temporal suggests it). */
  maxPagesPerRun?: number;
  /** Carried over by continue-as-new. */
  resume?: { jobId: number; cursor: PullCursor; counts: PageCounts; batches: number; asOf: string };
}

const TEMPORAL_SCHEDULED_START_TIME = 'TemporalScheduledStartTime';

/** The scheduled time of a schedule-started run (so a trigger or backfill pulls the right window), else the start time. */
function scheduledTime(): Date {
  const info = workflowInfo();
  const values = (info.searchAttributes as Record<string, unknown[] | undefined> | undefined)?.[TEMPORAL_SCHEDULED_START_TIME];
  const value = values?.[0];
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(value);
  return info.startTime;
}

/**
 * Pulls a date window by opened date and then by update date (records changed since), upserting as the
 * historical pull does. After a completed run it can start the CRM sync (`autoSyncToCrm`).
 */
export async function accelaIncrementalPullWorkflow(input: IncrementalPullInput): Promise<{ status: 'completed'; counts: PageCounts; dateFrom: string; dateTo: string }> {
  const { startPermitPullJob, finishPermitPullJob } = jobActivities();
  const at = scheduledTime();
  const range = input.dateFrom && input.dateTo ? { from: input.dateFrom, to: input.dateTo } : incrementalRange(at, input.windowDays ?? 8);
  const asOf = input.resume?.asOf ?? at.toISOString().slice(0, 10);
  const progress: PullProgress = {
    status: 'running', currentYear: null, currentBatch: input.resume?.batches ?? 0, yearsCompleted: 0, yearsTotal: 1, counts: input.resume?.counts ?? emptyCounts(),
  };
  setHandler(permitPullProgressQuery, () => progress);
  /** The run's page in the Web UI: counts, rate, how far through the window, the page in flight. */
  const showProgress = (nextPage: PullCursor | null, waiting: PageLoopState['waiting'] = null) =>
    setCurrentDetails(
      permitPullCurrentDetails({
        status: progress.status,
        counts: progress.counts,
        pages: progress.currentBatch,
        startedAtMs: workflowInfo().startTime.getTime(),
        nowMs: Date.now(),
        fraction: nextPage ? cursorProgress(nextPage) : progress.status === 'completed' ? 1 : undefined,
        nextPage,
        waiting,
      }),
    );
  let jobId = input.resume?.jobId ?? input.jobId ?? null;
  const finish = (status: 'completed' | 'failed' | 'cancelled', message: string | null) =>
    jobId === null ? Promise.resolve() : CancellationScope.nonCancellable(() => finishPermitPullJob({ jobId: jobId!, status, errorMessage: message }));
  try {
    if (!input.resume) {
      const started = await CancellationScope.nonCancellable(() =>
        startPermitPullJob({
          countyId: input.countyId, jobId: input.jobId, workflowId: workflowInfo().workflowId, jobType: 'incremental_pull',
          parameters: { date_from: range.from, date_to: range.to, limit: input.maxPermits ?? null, status: input.status ?? null }, yearsTotal: 1,
        }),
      );
      jobId = started.jobId;
    }
    const windowDays = Math.max(1, Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1);
    const firstPage = input.resume ? input.resume.cursor : firstCursor(range, ['opened', 'updated'], windowDays);
    showProgress(firstPage);
    const state = await runPageLoop(
      { countyId: input.countyId, jobId: jobId!, progress: { year: null }, asOf, statusFilter: input.status ?? null },
      input.resume ? { cursor: input.resume.cursor, counts: input.resume.counts, batches: input.resume.batches } : { cursor: firstPage },
      {
        maxPermits: input.maxPermits,
        heartbeatTimeoutSeconds: input.pageHeartbeatTimeoutSeconds,
        maxPagesPerRun: input.maxPagesPerRun,
        pageSummary: (page, cursor) => permitPageActivitySummary({ ...input, year: null, page, cursor }),
        onPage: (s) => {
          progress.counts = s.counts;
          progress.currentBatch = s.batches;
          showProgress(s.stopped ? null : s.cursor);
        },
        onWaiting: (s) => showProgress(s.cursor, s.waiting),
      },
    );
    const limitReached = Boolean(input.maxPermits && state.counts.permitsPulled >= input.maxPermits);
    if (state.cursor && !state.stopped && !limitReached) {
      await continueAsNew<typeof accelaIncrementalPullWorkflow>({ ...input, resume: { jobId: jobId!, cursor: state.cursor, counts: state.counts, batches: state.batches, asOf } });
    }
    if (state.stopped) {
      progress.status = 'cancelled';
      showProgress(null);
      await finish('cancelled', null);
      throw new CancelledFailure('incremental pull cancelled; the page in flight was saved');
    }
    progress.status = 'completed';
    showProgress(null);
    await finish('completed', null);
    if (input.autoSyncToCrm) await startCrmSync();
    return { status: 'completed', counts: state.counts, dateFrom: range.from, dateTo: range.to };
  } catch (error) {
    // Continuing as new is not a failure: the next run carries the job on.
    if (isCancellation(error) || error instanceof ContinueAsNew) throw error;
    progress.status = 'failed';
    showProgress(null);
    await finish('failed', rootCauseMessage(error));
    throw error;
  }
}

/**
 * Starts the CRM sync (defined by the HighLevel pipeline, started by name) and leaves it running. A child
 * cannot set a conflict policy in this SDK; a sync already running under the same id refuses the start,
 * which is the same outcome as "use existing". Any failure to start is not this pull's failure.
 */
async function startCrmSync(): Promise<void> {
  try {
    await startChild('syncLeadsToCrmWorkflow', {
      workflowId: PENDING_LEADS_SYNC_WORKFLOW_ID,
      args: [{ leadIds: [] }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      taskQueue: workflowInfo().taskQueue,
      ...crmSyncMetadata({ leadCount: 0, trigger: 'after an incremental pull' }),
    });
  } catch {
    // Non-fatal by contract: the next pull (or the CRM pipeline's own schedule) syncs the leads.
  }
}
