import type pg from 'pg';
import type { PageCounts } from '../../domain/permits/page-counts';
import { cursorKey, listCursor } from '../../domain/list-cursor';
import type { Database } from '../../platform/database';
import { ListQuery, type ListRequest, readList } from '../../platform/list-query';
import { jobDurationSeconds } from '../../platform/metrics';
import { isForeignKeyViolation, isUniqueViolation } from './postgres-errors';

export type { PageCounts };

export type JobType = 'initial_pull' | 'incremental_pull';
/** A `permit_pull_jobs` row as stored. */
export type PullJobRow = Record<string, any> & { id: number; county_id: number; status: JobStatus; workflow_id: string | null; created_at: Date };

/**
 * Records a saved page and adds its counts to the job, once: a retried page finds its row and adds
 * nothing. Returns false when the page had already been recorded.
 */
export async function recordPage(
  db: pg.PoolClient,
  jobId: number,
  pageKey: string,
  counts: PageCounts,
  progress: { currentYear: number | null; fraction: number },
): Promise<boolean> {
  // One statement (a page's transaction holds the county's write lock, and every round trip holds it longer).
  const { rows } = await db.query<{ first_time: boolean }>(
    `WITH page AS (
       INSERT INTO permit_pull_pages (job_id, page_key, permits_pulled, permits_saved, properties_created,
         properties_updated, leads_created, rejected)
       VALUES ($1, $9, $3, $4, $5, $6, $7, $10) ON CONFLICT (job_id, page_key) DO NOTHING
       RETURNING 1
     ), job AS (
       UPDATE permit_pull_jobs SET
         status = CASE WHEN status = 'pending' THEN 'running' ELSE status END,
         started_at = COALESCE(started_at, now()),
         current_year = COALESCE($2, current_year),
         current_batch = current_batch + 1,
         permits_pulled = permits_pulled + $3,
         permits_saved = permits_saved + $4,
         properties_created = properties_created + $5,
         properties_updated = properties_updated + $6,
         leads_created = leads_created + $7,
         -- Years done plus how far this page's year is: with several years in flight it can only be an estimate.
         progress_percent = GREATEST(progress_percent, LEAST(99.9, (years_completed + $8::numeric) * 100.0 / GREATEST(years_total, 1))),
         elapsed_seconds = EXTRACT(EPOCH FROM now() - COALESCE(started_at, now())),
         permits_per_second = CASE WHEN EXTRACT(EPOCH FROM now() - COALESCE(started_at, now())) > 0
           THEN (permits_pulled + $3) / EXTRACT(EPOCH FROM now() - COALESCE(started_at, now())) END,
         estimated_completion_at = CASE WHEN progress_percent > 0
           THEN now() + (now() - COALESCE(started_at, now())) * ((100 - progress_percent) / progress_percent) END,
         updated_at = now()
       WHERE id = $1 AND EXISTS (SELECT 1 FROM page)
     )
     SELECT EXISTS (SELECT 1 FROM page) AS first_time`,
    [jobId, progress.currentYear, counts.permitsPulled, counts.permitsSaved, counts.propertiesCreated, counts.propertiesUpdated, counts.leadsCreated, progress.fraction, pageKey, counts.rejected],
  );
  return rows[0]!.first_time;
}

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * Marks an API-created job running. The workflow's `parameters` fill in what the request left to it (an incremental
 * pull's window is decided at its start), so the row says what was pulled.
 */
export async function markJobRunning(db: Database, jobId: number, workflowId: string, yearsTotal: number, parameters: Record<string, unknown> = {}): Promise<void> {
  await db.query(
    `UPDATE permit_pull_jobs SET status = 'running', workflow_id = $2, years_total = $3,
       parameters = parameters || jsonb_strip_nulls($4::jsonb), started_at = COALESCE(started_at, now()), updated_at = now()
     WHERE id = $1 AND status IN ('pending', 'running')`,
    [jobId, workflowId, yearsTotal, JSON.stringify(parameters)],
  );
}

export async function markYearCompleted(db: Database, jobId: number, year: number): Promise<void> {
  await db.query(
    `UPDATE permit_pull_jobs SET years_completed = years_completed + 1, current_year = $2, updated_at = now() WHERE id = $1`,
    [jobId, year],
  );
}

/**
 * Ends a job that is still pending or running (a job that has ended keeps its end); false when it had
 * ended already. `createdSecondsAgo`: only a job at least that old (a pending job's workflow may still be
 * starting).
 */
export async function finishJob(
  db: Database,
  jobId: number,
  status: Exclude<JobStatus, 'pending' | 'running'>,
  errorMessage: string | null,
  createdSecondsAgo = 0,
): Promise<boolean> {
  const { rows } = await db.query<{ seconds: number }>(
    `UPDATE permit_pull_jobs SET status = $2, error_message = $3, finished_at = now(),
       progress_percent = CASE WHEN $2 = 'completed' THEN 100 ELSE progress_percent END,
       estimated_completion_at = NULL,
       elapsed_seconds = EXTRACT(EPOCH FROM now() - COALESCE(started_at, created_at)),
       updated_at = now()
     WHERE id = $1 AND status IN ('pending', 'running') AND created_at <= now() - make_interval(secs => $4::double precision)
     RETURNING elapsed_seconds::float8 AS seconds`,
    [jobId, status, errorMessage, createdSecondsAgo],
  );
  for (const row of rows) jobDurationSeconds.observe({ pipeline: 'permits', status }, row.seconds);
  return rows.length > 0;
}

/** The job row of a pull the API starts (`pending` until its workflow runs); null when the county has a pull running. */
export async function insertPendingJob(db: Database, countyId: number, jobType: JobType, parameters: Record<string, unknown>, workflowId: string): Promise<number | null> {
  try {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO permit_pull_jobs (county_id, job_type, parameters, workflow_id) VALUES ($1, $2, $3, $4) RETURNING id`,
      [countyId, jobType, JSON.stringify(parameters), workflowId],
    );
    return rows[0]!.id;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/**
 * The job of a run no API call created (a scheduled run), found by its workflow id when a retried
 * activity created it already. `running` means the county has another pull running.
 */
export async function ensureRunningJob(
  db: Database,
  input: { countyId: number; workflowId: string; jobType: JobType; parameters: Record<string, unknown>; yearsTotal: number },
): Promise<{ jobId: number } | 'county-missing' | 'another-running'> {
  const existing = await db.query<{ id: number }>('SELECT id FROM permit_pull_jobs WHERE workflow_id = $1', [input.workflowId]);
  if (existing.rows[0]) return { jobId: existing.rows[0].id };
  try {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO permit_pull_jobs (county_id, job_type, parameters, status, workflow_id, years_total, started_at)
       VALUES ($1, $2, $3, 'running', $4, $5, now()) RETURNING id`,
      [input.countyId, input.jobType, JSON.stringify(input.parameters), input.workflowId, input.yearsTotal],
    );
    return { jobId: rows[0]!.id };
  } catch (error) {
    if (isUniqueViolation(error)) return 'another-running';
    if (isForeignKeyViolation(error)) return 'county-missing';
    throw error;
  }
}

export async function findJob(db: Database, jobId: number): Promise<PullJobRow | null> {
  const { rows } = await db.query<PullJobRow>(`SELECT * FROM permit_pull_jobs WHERE id = $1`, [jobId]);
  return rows[0] ?? null;
}

const jobCursor = listCursor('permit-jobs', [cursorKey.id]);

/** The statements `listJobs` runs (exported so a test can check their plans). */
export function jobListQuery(countyId: number, filter: { status?: JobStatus }) {
  return new ListQuery('*', 'permit_pull_jobs', ['id'])
    .filter(countyId, (county) => `county_id = ${county}`)
    .filter(filter.status, (status) => `status = ${status}`);
}

/** A county's jobs, newest first. */
export function listJobs(db: Database, countyId: number, filter: { status?: JobStatus }, request: ListRequest) {
  return readList<PullJobRow>(db, jobListQuery(countyId, filter), jobCursor, request);
}

/** Every job still pending or running, oldest first. */
export async function liveJobs(db: Database): Promise<PullJobRow[]> {
  const { rows } = await db.query<PullJobRow>(`SELECT * FROM permit_pull_jobs WHERE status IN ('pending', 'running') ORDER BY id`);
  return rows;
}

/** The county's pull that is pending or running, if any. */
export async function findActiveJob(db: Database, countyId: number): Promise<PullJobRow | null> {
  const { rows } = await db.query<PullJobRow>(`SELECT * FROM permit_pull_jobs WHERE county_id = $1 AND status IN ('pending', 'running')`, [countyId]);
  return rows[0] ?? null;
}

/** The county's newest historical pull that has not failed or been cancelled (the sandbox starts one only once). */
export async function findLiveOrCompletedHistoricalJob(db: Database, countyId: number): Promise<PullJobRow | null> {
  const { rows } = await db.query<PullJobRow>(
    `SELECT * FROM permit_pull_jobs WHERE county_id = $1 AND job_type = 'initial_pull' AND status IN ('pending', 'running', 'completed')
      ORDER BY id DESC LIMIT 1`,
    [countyId],
  );
  return rows[0] ?? null;
}

/** Counties whose historical pull completed: they have a weekly incremental schedule. */
export async function countiesWithCompletedHistoricalPull(db: Database): Promise<number[]> {
  const { rows } = await db.query<{ county_id: number }>(`SELECT DISTINCT county_id FROM permit_pull_jobs WHERE job_type = 'initial_pull' AND status = 'completed'`);
  return rows.map((row) => row.county_id);
}

export async function deleteJob(db: Database, jobId: number): Promise<void> {
  await db.query(`DELETE FROM permit_pull_jobs WHERE id = $1`, [jobId]);
}
