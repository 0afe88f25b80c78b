import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { AccelaConnections } from '../../clients/accela/connections';
import type { AccelaRecord } from '../../domain/permits/accela-record';
import { addCounts, emptyCounts } from '../../domain/permits/page-counts';
import { type ParsedRecord, matchesPermitType, parseAccelaRecord } from '../../domain/permits/permit-record';
import { advanceCursor, cursorProgress, pageKey, type PullCursor } from '../../domain/permits/pull-cursor';
import { withTransaction } from '../../platform/database';
import { SharedRateLimits } from '../../platform/shared-rate-limits';
import { type RejectedRecord, saveRejectedRecords } from '../../platform/rejects';
import { siblingTaskQueue } from '../../platform/task-queues';
import { ensureIncrementalSchedule } from '../../schedules/permits';
import { type CountyPullConfig, loadCountyPullConfig } from '../../stores/permits/county-store';
import { ensureRunningJob, finishJob, type JobStatus, type JobType, markJobRunning, markYearCompleted, type PageCounts, recordPage } from '../../stores/permits/job-store';
import { upsertPermits, type PermitToSave } from '../../stores/permits/permit-store';
import { permitsFetchedTotal, permitsSavedTotal } from '../../platform/metrics';
import { refreshProperties } from '../../stores/permits/property-store';
import { addRateLimitStats } from '../../stores/permits/rate-limit-stats-store';
import type { ActivityDependencies } from '../dependencies';

export interface PermitPageInput {
  countyId: number;
  jobId: number;
  cursor: PullCursor;
  /** The year this page belongs to (historical pulls), for progress. */
  progress: { year: number | null };
  /** `yyyy-MM-dd` the HVAC ages are measured at (fixed per job, so a re-run scores the same). */
  asOf: string;
  statusFilter?: string | null;
}

export interface PermitPageResult {
  counts: PageCounts;
  nextCursor: PullCursor | null;
}

export interface PermitPagesInput extends PermitPageInput {
  /** At most this many pages (and never more than `ACCELA_PAGES_PER_ACTIVITY`). */
  maxPages?: number;
  /** Stop once this many permits were pulled (an incremental pull's limit, less what it has). */
  maxPermits?: number | null;
}

export interface PermitPagesResult extends PermitPageResult {
  pages: number;
}

/** What a pages activity heartbeats after each saved page, so a retry resumes after it. */
interface PagesProgress {
  cursor: PullCursor | null;
  counts: PageCounts;
  pages: number;
}

const SOURCE = 'accela';

export function createPermitActivities(deps: ActivityDependencies) {
  const { db, secrets, settings } = deps;
  const connections = new AccelaConnections(settings, new SharedRateLimits(db));

  const countyNotFound = (countyId: number) => ApplicationFailure.create({ type: 'CountyNotFound', message: `county ${countyId} does not exist`, nonRetryable: true });
  async function countyOrFail(countyId: number) {
    const county = await loadCountyPullConfig(db, secrets, countyId);
    if (!county) throw countyNotFound(countyId);
    if (typeof county === 'string') {
      throw ApplicationFailure.create({ type: 'PlatformNotPulled', message: `county ${countyId} is a ${county} county: its pull is not built yet`, nonRetryable: true });
    }
    return county;
  }

  async function persistRateLimitStats(countyId: number) {
    const report = connections.takeRateLimitReport(countyId);
    if (report) await addRateLimitStats(db, countyId, report);
  }

  /** One page in one transaction; `beat` heartbeats (after every API call) with what the caller has done so far. */
  async function pullPage(county: CountyPullConfig, input: PermitPageInput, beat: () => void): Promise<PermitPageResult> {
    const client = connections.clientFor(county.id, county.credentials, beat);
    const jobRef = `permit-pull-job:${input.jobId}`;
    try {
      const page = await client.listRecords({
        module: county.module,
        type: county.permitType ?? undefined,
        status: input.statusFilter ?? undefined,
        dateField: input.cursor.dateField,
        from: input.cursor.windowFrom,
        to: input.cursor.windowTo,
        offset: input.cursor.offset,
        limit: settings.ACCELA_PAGE_LIMIT,
      });
      beat();
      const rejects: RejectedRecord[] = [];
      const listed = new Map<string, AccelaRecord>();
      for (const raw of page.records) {
        const parsed = parseAccelaRecord(raw);
        if (!parsed.ok) rejects.push({ source: SOURCE, entity: 'permit', externalId: parsed.externalId, reason: parsed.reason, payload: raw, jobRef });
        else if (matchesPermitType(parsed.fields.typePath, county.permitType)) listed.set(parsed.record.id, parsed.record);
      }
      const { found, missing } = await client.enrichRecords([...listed.keys()], settings.ACCELA_ENRICH_BATCH_SIZE, settings.ACCELA_ENRICH_CONCURRENCY, beat);
      beat();
      const toSave: PermitToSave[] = [];
      for (const [id, listedRecord] of listed) {
        const enrichedRaw = found.get(id);
        const parsed: ParsedRecord = parseAccelaRecord(enrichedRaw ?? listedRecord);
        if (!parsed.ok) {
          rejects.push({ source: SOURCE, entity: 'permit', externalId: id, reason: `enriched record: ${parsed.reason}`, payload: enrichedRaw, jobRef });
          continue;
        }
        toSave.push({ fields: parsed.fields, enriched: enrichedRaw !== undefined, raw: enrichedRaw ?? listedRecord });
      }
      const counts = await withTransaction(db, async (tx) => {
        // The stores take the county's write lock: pages of different years write in turns, while
        // their fetching and enriching overlap.
        const permits = await upsertPermits(tx, county.id, toSave);
        const properties = await refreshProperties(tx, county.id, permits.addressKeys, input.asOf);
        const pageCounts: PageCounts = {
          permitsPulled: listed.size,
          permitsSaved: permits.inserted + permits.updated,
          propertiesCreated: properties.created,
          propertiesUpdated: properties.updated,
          leadsCreated: properties.leadsCreated,
          rejected: rejects.length,
        };
        const fraction = cursorProgress(input.cursor);
        const firstTime = await recordPage(tx, input.jobId, pageKey(input.cursor), pageCounts, { currentYear: input.progress.year, fraction });
        // A retried page saved its rejects the first time.
        if (firstTime) await saveRejectedRecords(tx, rejects);
        return pageCounts;
      });
      // Counted once the page's transaction committed (a retried page counts again: it was pulled again).
      permitsFetchedTotal.inc(counts.permitsPulled);
      permitsSavedTotal.inc(counts.permitsSaved);
      if (missing.length > 0) Context.current().log.warn('records missing from enrichment, saved unenriched', { count: missing.length });
      return { counts, nextCursor: advanceCursor(input.cursor, page.hasMore, settings.ACCELA_PAGE_LIMIT, settings.ACCELA_WINDOW_DAYS) };
    } finally {
      await persistRateLimitStats(county.id).catch(() => undefined);
    }
  }

  return {
    /**
     * One page: list it, enrich it in batches, upsert permits, refresh the touched properties and leads, and
     * record progress, all in one transaction. Returns counts and the next cursor only. (Workflows started
     * before `pullPermitPages` existed call this one.)
     */
    async pullPermitPage(input: PermitPageInput): Promise<PermitPageResult> {
      return pullPage(await countyOrFail(input.countyId), input, () => heartbeat());
    },

    /**
     * Several pages in a row, each as `pullPermitPage` (its own transaction), heartbeating the cursor after
     * each: a retry resumes after the last page it heard of (a page saved twice counts once). Stops at the
     * end of the cursor, after `maxPages` pages, or at `maxPermits`.
     */
    async pullPermitPages(input: PermitPagesInput): Promise<PermitPagesResult> {
      const county = await countyOrFail(input.countyId);
      const maxPages = Math.min(input.maxPages ?? Infinity, settings.ACCELA_PAGES_PER_ACTIVITY);
      const resumed = Context.current().info.heartbeatDetails as PagesProgress | undefined;
      let progress: PagesProgress = resumed ?? { cursor: input.cursor, counts: emptyCounts(), pages: 0 };
      while (progress.cursor && progress.pages < maxPages && !(input.maxPermits && progress.counts.permitsPulled >= input.maxPermits)) {
        const page = await pullPage(county, { ...input, cursor: progress.cursor }, () => heartbeat(progress));
        progress = { cursor: page.nextCursor, counts: addCounts(progress.counts, page.counts), pages: progress.pages + 1 };
        heartbeat(progress);
      }
      return { counts: progress.counts, nextCursor: progress.cursor, pages: progress.pages };
    },

    /** Marks the API-created job running, or creates the job of a scheduled run (one active pull per county). */
    async startPermitPullJob(input: { countyId: number; jobId?: number; workflowId: string; jobType: JobType; parameters: Record<string, unknown>; yearsTotal: number }): Promise<{ jobId: number }> {
      if (input.jobId !== undefined) {
        await markJobRunning(db, input.jobId, input.workflowId, input.yearsTotal);
        return { jobId: input.jobId };
      }
      const job = await ensureRunningJob(db, input);
      if (job === 'another-running') {
        throw ApplicationFailure.create({ type: 'PullAlreadyRunning', message: `county ${input.countyId} already has a pull running`, nonRetryable: true });
      }
      if (job === 'county-missing') throw countyNotFound(input.countyId);
      return job;
    },

    async completePermitPullYear(input: { jobId: number; year: number }): Promise<void> {
      await markYearCompleted(db, input.jobId, input.year);
    },

    async finishPermitPullJob(input: { jobId: number; status: Exclude<JobStatus, 'pending' | 'running'>; errorMessage: string | null }): Promise<void> {
      await finishJob(db, input.jobId, input.status, input.errorMessage);
    },

    /** After a county's historical pull: its weekly incremental schedule exists and is up to date. */
    async ensurePermitSchedule(input: { countyId: number; countyName?: string }): Promise<{ scheduleId: string }> {
      const context = Context.current();
      const workflowsQueue = siblingTaskQueue(context.info.taskQueue.replace(/-http$/, '-workflows'), 'workflows');
      return { scheduleId: await ensureIncrementalSchedule(context.client, settings, input.countyId, workflowsQueue, input.countyName) };
    },
  };
}

export type PermitActivities = ReturnType<typeof createPermitActivities>;
