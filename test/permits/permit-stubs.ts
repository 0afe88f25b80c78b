import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { emptyCounts, type PageCounts } from '../../domain/permits/page-counts';
import type { PermitPageInput, PermitPageResult, PermitPagesInput, PermitPagesResult } from '../../activities/permits/pull-activities';
import { addCounts } from '../../domain/permits/page-counts';

/** What one stubbed page adds: one permit pulled and saved. */
export const PAGE_COUNTS: PageCounts = { ...emptyCounts(), permitsPulled: 1, permitsSaved: 1 };

export const pagesOf = (pages: number): PageCounts => ({ ...emptyCounts(), permitsPulled: pages, permitsSaved: pages });

/** Stubs of the permit bookkeeping activities that record their calls. */
export function bookkeepingStubs() {
  const calls = {
    finished: [] as Array<{ jobId: number; status: string; errorMessage: string | null }>,
    yearsCompleted: [] as number[],
    schedulesEnsured: 0,
  };
  const activities = {
    startPermitPullJob: async (input: { jobId?: number }) => ({ jobId: input.jobId ?? 99 }),
    completePermitPullYear: async (input: { year: number }) => void calls.yearsCompleted.push(input.year),
    finishPermitPullJob: async (input: { jobId: number; status: string; errorMessage: string | null }) => void calls.finished.push(input),
    ensurePermitSchedule: async (input: { countyId: number }) => {
      calls.schedulesEnsured += 1;
      return { scheduleId: `accela-incremental:county-${input.countyId}` };
    },
  };
  return { calls, activities };
}

/**
 * A page stub: `pages` pages per cursor, its offset counting them; `onPage` runs before a page answers.
 * `pullPermitPages` pages as the real activity does, `pagesPerActivity` at a time unless the workflow asks
 * for fewer; `activityCalls` counts its calls.
 */
export function pagingStub(pages: number, onPage?: (input: PermitPageInput) => Promise<void> | void, pagesPerActivity = 1) {
  const seen: PermitPageInput[] = [];
  const activityCalls: PermitPagesInput[] = [];
  const pullPermitPage = async (input: PermitPageInput): Promise<PermitPageResult> => {
    seen.push(input);
    await onPage?.(input);
    const last = input.cursor.offset + 1 >= pages;
    return { counts: PAGE_COUNTS, nextCursor: last ? null : { ...input.cursor, offset: input.cursor.offset + 1 } };
  };
  const pullPermitPages = async (input: PermitPagesInput): Promise<PermitPagesResult> => {
    activityCalls.push(input);
    let result: PermitPagesResult = { counts: emptyCounts(), nextCursor: input.cursor, pages: 0 };
    while (result.nextCursor && result.pages < Math.min(input.maxPages ?? Infinity, pagesPerActivity)) {
      const page = await pullPermitPage({ ...input, cursor: result.nextCursor });
      result = { counts: addCounts(result.counts, page.counts), nextCursor: page.nextCursor, pages: result.pages + 1 };
    }
    return result;
  };
  return { seen, activityCalls, pullPermitPage, pullPermitPages, activities: { pullPermitPage, pullPermitPages } };
}

/** The input a run continued as new with (its history's last event). */
export async function continuedAsNewInput<T>(env: TestWorkflowEnvironment, workflowId: string, runId: string): Promise<T> {
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const last = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
  if (!last?.input?.payloads?.[0]) throw new Error(`run ${runId} did not continue as new`);
  return defaultPayloadConverter.fromPayload<T>(last.input.payloads[0] as never);
}
