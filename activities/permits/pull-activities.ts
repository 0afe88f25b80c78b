import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { AccelaConnections } from '../../clients/accela/connections';
import type { AccelaRecord } from '../../domain/permits/accela-record';
import { addCounts, emptyCounts } from '../../domain/permits/page-counts';
import { accelaTypePath, type ParsedRecord, matchesPermitType, parseAccelaRecord, validateAccelaRecord } from '../../domain/permits/permit-record';
import { localDay, readMappedPermit } from '../../domain/permits/open-data-record';
import { advanceCursor, cursorProgress, nextDateFieldCursor, pageKey, type PullCursor } from '../../domain/permits/pull-cursor';
import { withTransaction } from '../../platform/database';
import { SharedRateLimits } from '../../platform/shared-rate-limits';
import { type RejectedRecord, saveRejectedRecords } from '../../platform/rejects';
import { siblingTaskQueue } from '../../platform/task-queues';
import { ensureIncrementalSchedule } from '../../schedules/permits';
import { type AccelaPullConfig, type CountyPullConfig, findCounty, loadCountyPullConfig, type OpenDataPullConfig } from '../../stores/permits/county-store';
import { ensureRunningJob, finishJob, type JobStatus, type JobType, markJobRunning, markYearCompleted, type PageCounts, recordPage } from '../../stores/permits/job-store';
import { savePermitPage, type PermitToSave } from '../../stores/permits/permit-store';
import { permitsFetchedTotal, permitsSavedTotal } from '../../platform/metrics';
import { addRateLimitStats } from '../../stores/permits/rate-limit-stats-store';
import type { ActivityDependencies } from '../dependencies';
import { PERMIT_PULL_WAITING_SIGNAL, type PullWaiting } from '../../workflows/permits/ids';
import { OpenDataPageReader } from './open-data-pages';

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

/** Waits shorter than this are over before an operator could read about them: only longer ones are reported. */
const REPORTED_WAIT_MS = 5_000;

/**
 * A rate-limit wait's callback: heartbeats, and when a long wait begins tells the activity's workflow what it waits
 * for (the run's current details in the Web UI say so until the next page). Best effort: the wait goes on regardless.
 */
function reportingWaits(beat: () => void, reason: string): (waitLeftMs: number) => void {
  const context = Context.current();
  let reportedUntilMs = 0;
  return (waitLeftMs) => {
    beat();
    const untilMs = Date.now() + waitLeftMs;
    // Later slices of the same wait end when it was reported to end.
    const run = context.info.workflowExecution;
    if (!run || waitLeftMs < REPORTED_WAIT_MS || Math.abs(untilMs - reportedUntilMs) < 1_000) return;
    reportedUntilMs = untilMs;
    const waiting: PullWaiting = { reason, untilMs };
    void Promise.resolve()
      .then(() => context.client.workflow.getHandle(run.workflowId, run.runId).signal(PERMIT_PULL_WAITING_SIGNAL, waiting))
      .catch(() => undefined);
  };
}

export function createPermitActivities(deps: ActivityDependencies) {
  const { db, secrets, settings } = deps;
  const sharedLimits = new SharedRateLimits(db);
  const connections = new AccelaConnections(settings, sharedLimits);
  /** A reader per activity: its metadata and id caches live as long as the activity's pages. */
  const openDataReader = () => new OpenDataPageReader(settings, sharedLimits);

  const countyNotFound = (countyId: number) => ApplicationFailure.create({ type: 'CountyNotFound', message: `county ${countyId} does not exist`, nonRetryable: true });
  async function countyOrFail(countyId: number) {
    const county = await loadCountyPullConfig(db, secrets, countyId);
    if (!county) throw countyNotFound(countyId);
    return county;
  }

  async function persistRateLimitStats(countyId: number) {
    const report = connections.takeRateLimitReport(countyId);
    if (report) await addRateLimitStats(db, countyId, report);
  }

  /** What a page fetched: the permits to save, the records to reject, how many were listed, where the pull goes next. */
  interface FetchedPage {
    toSave: PermitToSave[];
    rejects: RejectedRecord[];
    pulled: number;
    nextCursor: PullCursor | null;
  }

  /** An Accela page: list it, keep the county's permit type, enrich the listed records in batches. */
  async function fetchAccelaPage(county: AccelaPullConfig, input: PermitPageInput, beat: () => void): Promise<FetchedPage> {
    const client = connections.clientFor(county.id, county.credentials, reportingWaits(beat, 'the Accela rate-limit window'));
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
        // Only validated here: a listed record is read into a permit (trades and all) once, enriched, below.
        const validated = validateAccelaRecord(raw);
        if (!validated.ok) rejects.push({ source: 'accela', entity: 'permit', externalId: validated.externalId, reason: validated.reason, payload: raw, jobRef });
        else if (matchesPermitType(accelaTypePath(validated.record), county.permitType)) listed.set(validated.record.id, validated.record);
      }
      const { found, missing } = await client.enrichRecords([...listed.keys()], settings.ACCELA_ENRICH_BATCH_SIZE, settings.ACCELA_ENRICH_CONCURRENCY, beat);
      beat();
      const toSave: PermitToSave[] = [];
      for (const [id, listedRecord] of listed) {
        const enrichedRaw = found.get(id);
        const parsed: ParsedRecord = parseAccelaRecord(enrichedRaw ?? listedRecord);
        if (!parsed.ok) {
          rejects.push({ source: 'accela', entity: 'permit', externalId: id, reason: `enriched record: ${parsed.reason}`, payload: enrichedRaw, jobRef });
          continue;
        }
        toSave.push({ fields: parsed.fields, enriched: enrichedRaw !== undefined, raw: enrichedRaw ?? listedRecord });
      }
      if (missing.length > 0) Context.current().log.warn('records missing from enrichment, saved unenriched', { count: missing.length });
      return { toSave, rejects, pulled: listed.size, nextCursor: advanceCursor(input.cursor, page.hasMore, settings.ACCELA_PAGE_LIMIT, settings.ACCELA_WINDOW_DAYS) };
    } finally {
      await persistRateLimitStats(county.id).catch(() => undefined);
    }
  }

  /**
   * A Socrata or ArcGIS page, each record read through the county's field mapping. A record the mapping cannot
   * read (no permit number, a date unreadable, impossible or in the future) is rejected with the reason.
   */
  async function fetchOpenDataPage(county: OpenDataPullConfig, reader: OpenDataPageReader, input: PermitPageInput, beat: () => void): Promise<FetchedPage> {
    const page = await reader.readPage(county, input.cursor, beat);
    if (page.noDateColumn) return { toSave: [], rejects: [], pulled: 0, nextCursor: nextDateFieldCursor(input.cursor, settings.ACCELA_WINDOW_DAYS) };
    const jobRef = `permit-pull-job:${input.jobId}`;
    const today = localDay(Date.now(), county.timeZone);
    const context = { timeZone: county.timeZone, today: input.asOf > today ? input.asOf : today };
    const rejects: RejectedRecord[] = [];
    // A permit number seen twice in one page (a republished row) is saved once, as its last row has it.
    const byNumber = new Map<string, PermitToSave>();
    for (const row of page.records) {
      const parsed = readMappedPermit(row, county.source.field_mapping, context);
      if (!parsed.ok) rejects.push({ source: county.platform, entity: 'permit', externalId: parsed.externalId, reason: parsed.reason, payload: row, jobRef });
      // Published records are whole: there is nothing further to fetch, so they count as enriched.
      else byNumber.set(parsed.fields.recordId, { fields: parsed.fields, enriched: true, raw: row });
    }
    return {
      toSave: [...byNumber.values()],
      rejects,
      pulled: page.records.length - rejects.length,
      nextCursor: advanceCursor(input.cursor, page.hasMore, page.pageSize, settings.ACCELA_WINDOW_DAYS),
    };
  }

  function fetchPage(county: CountyPullConfig, reader: OpenDataPageReader, input: PermitPageInput, beat: () => void): Promise<FetchedPage> {
    return county.platform === 'accela' ? fetchAccelaPage(county, input, beat) : fetchOpenDataPage(county, reader, input, beat);
  }

  /** Saves a fetched page in one transaction: permits, properties, leads, progress and rejects. */
  async function savePage(county: CountyPullConfig, input: PermitPageInput, fetched: FetchedPage): Promise<PermitPageResult> {
    const counts = await withTransaction(db, async (tx) => {
      // The page statement takes the county's write lock: pages of different years write in turns, while
      // their fetching overlaps.
      const saved = await savePermitPage(tx, county.id, fetched.toSave, input.asOf);
      const pageCounts: PageCounts = {
        permitsPulled: fetched.pulled,
        permitsSaved: saved.inserted + saved.updated,
        propertiesCreated: saved.propertiesCreated,
        propertiesUpdated: saved.propertiesUpdated,
        leadsCreated: saved.leadsCreated,
        rejected: fetched.rejects.length,
      };
      const fraction = cursorProgress(input.cursor);
      const firstTime = await recordPage(tx, input.jobId, pageKey(input.cursor), pageCounts, { currentYear: input.progress.year, fraction });
      // A retried page saved its rejects the first time.
      if (firstTime) await saveRejectedRecords(tx, fetched.rejects);
      return pageCounts;
    });
    // Counted once the page's transaction committed (a retried page counts again: it was pulled again).
    permitsFetchedTotal.inc(counts.permitsPulled);
    permitsSavedTotal.inc(counts.permitsSaved);
    return { counts, nextCursor: fetched.nextCursor };
  }

  return {
    /**
     * One page: list it, enrich it in batches, upsert permits, refresh the touched properties and leads, and
     * record progress, all in one transaction. Returns counts and the next cursor only. (Workflows started
     * before `pullPermitPages` existed call this one.)
     */
    async pullPermitPage(input: PermitPageInput): Promise<PermitPageResult> {
      const county = await countyOrFail(input.countyId);
      const beat = () => heartbeat();
      return savePage(county, input, await fetchPage(county, openDataReader(), input, beat));
    },

    /**
     * Several pages in a row, each saved as `pullPermitPage` saves it (its own transaction), heartbeating the cursor
     * after each: a retry resumes after the last page it heard of (a page saved twice counts once). The next page is
     * fetched while this one is written, so the source's latency and the database's work overlap (a page fetched
     * but not saved when the activity fails is fetched again by the retry). Stops at the end of the cursor, after
     * `maxPages` pages, or at `maxPermits`.
     */
    async pullPermitPages(input: PermitPagesInput): Promise<PermitPagesResult> {
      const county = await countyOrFail(input.countyId);
      const reader = openDataReader();
      const maxPages = Math.min(input.maxPages ?? Infinity, settings.ACCELA_PAGES_PER_ACTIVITY);
      const resumed = Context.current().info.heartbeatDetails as PagesProgress | undefined;
      let progress: PagesProgress = resumed ?? { cursor: input.cursor, counts: emptyCounts(), pages: 0 };
      const wantsMore = (pages: number, permitsPulled: number) => pages < maxPages && !(input.maxPermits && permitsPulled >= input.maxPermits);
      const beat = () => heartbeat(progress);
      const fetchAt = (cursor: PullCursor) => {
        const fetching = fetchPage(county, reader, { ...input, cursor }, beat);
        // A prefetch can fail while the page before it is still being written, before anything awaits it: handled
        // here, it still fails the activity where it is awaited (or is dropped with the activity's own failure).
        fetching.catch(() => undefined);
        return fetching;
      };
      let next = progress.cursor && wantsMore(progress.pages, progress.counts.permitsPulled) ? fetchAt(progress.cursor) : null;
      while (next && progress.cursor) {
        const fetched = await next;
        const pageInput = { ...input, cursor: progress.cursor };
        next = fetched.nextCursor && wantsMore(progress.pages + 1, progress.counts.permitsPulled + fetched.pulled) ? fetchAt(fetched.nextCursor) : null;
        const page = await savePage(county, pageInput, fetched);
        progress = { cursor: page.nextCursor, counts: addCounts(progress.counts, page.counts), pages: progress.pages + 1 };
        heartbeat(progress);
      }
      return { counts: progress.counts, nextCursor: progress.cursor, pages: progress.pages };
    },

    /** Marks the API-created job running, or creates the job of a scheduled run (one active pull per county). */
    async startPermitPullJob(input: { countyId: number; jobId?: number; workflowId: string; jobType: JobType; parameters: Record<string, unknown>; yearsTotal: number }): Promise<{ jobId: number }> {
      if (input.jobId !== undefined) {
        await markJobRunning(db, input.jobId, input.workflowId, input.yearsTotal, input.parameters);
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
      const county = await findCounty(db, input.countyId);
      if (!county) throw countyNotFound(input.countyId);
      return { scheduleId: await ensureIncrementalSchedule(context.client, settings, input.countyId, workflowsQueue, input.countyName, county.platform) };
    },
  };
}

export type PermitActivities = ReturnType<typeof createPermitActivities>;
