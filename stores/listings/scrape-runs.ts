import type { Database } from '../../platform/database';
import { cursorKey, listCursor } from '../../domain/list-cursor';
import { ListQuery, type ListRequest, readList } from '../../platform/list-query';
import { jobDurationSeconds } from '../../platform/metrics';
import type { StoredPage } from './listing-store';

export type ScrapeRunStatus = 'succeeded' | 'failed' | 'cancelled';

/** One row of `scrape_runs` as the API shows it (timestamps as ISO strings). */
export interface ScrapeRunRow {
  run_id: number;
  make: string;
  model: string;
  workflow_id: string;
  status: 'running' | ScrapeRunStatus;
  pages: number;
  listings_seen: number;
  listings_new: number;
  listings_updated: number;
  rejected_cards: number;
  deals_analysed: number | null;
  stop_reason: string | null;
  errors: string[];
  screenshot_paths: string[];
  started_at: string;
  finished_at: string | null;
}

/** The counts a run has gathered so far, as the scrape activity returns them. */
export interface ScrapeRunTotals {
  pages: number;
  listingsSeen: number;
  listingsNew: number;
  listingsUpdated: number;
  rejectedCards: number;
}

/** Opens a run's row; a retried start (same workflow id, still running) returns the same row. */
export async function openScrapeRun(
  db: Database,
  run: { make: string; model: string; workflowId: string; maxResults: number | null },
): Promise<number> {
  const existing = await db.query<{ id: number }>(
    `SELECT id FROM scrape_runs WHERE workflow_id = $1 AND status = 'running' ORDER BY id DESC LIMIT 1`,
    [run.workflowId],
  );
  if (existing.rows[0]) return existing.rows[0].id;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO scrape_runs (make, model, workflow_id, max_results) VALUES ($1, $2, $3, $4) RETURNING id`,
    [run.make, run.model, run.workflowId, run.maxResults],
  );
  return rows[0]!.id;
}

/** Ends a run that is still running (a run that has ended keeps its end); false when it had ended already. */
export async function finishScrapeRun(
  db: Database,
  end: { runId: number; status: ScrapeRunStatus; stopReason?: string | null; error?: string | null },
): Promise<boolean> {
  const { rows } = await db.query<{ seconds: number }>(
    `UPDATE scrape_runs SET status = $2, stop_reason = COALESCE($3, stop_reason), finished_at = now(),
            errors = CASE WHEN $4::text IS NULL THEN errors ELSE array_append(errors, $4::text) END
      WHERE id = $1 AND status = 'running'
      RETURNING EXTRACT(EPOCH FROM finished_at - started_at)::float8 AS seconds`,
    [end.runId, end.status, end.stopReason ?? null, end.error ?? null],
  );
  for (const row of rows) jobDurationSeconds.observe({ pipeline: 'listings', status: end.status }, row.seconds);
  return rows.length > 0;
}

/** Whether no later run row of the same workflow id exists (a model's scrapes share one workflow id). */
export async function isNewestRunOfWorkflow(db: Database, run: { runId: number; workflowId: string }): Promise<boolean> {
  const { rows } = await db.query<{ newest: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM scrape_runs WHERE workflow_id = $2 AND id > $1) AS newest`,
    [run.runId, run.workflowId],
  );
  return rows[0]!.newest;
}

export async function recordRunProgress(
  db: Database,
  runId: number,
  progress: { pages: number; stored: StoredPage; rejectedCards: number },
): Promise<void> {
  await db.query(
    `UPDATE scrape_runs SET pages = GREATEST(pages, $2), listings_seen = listings_seen + $3, listings_new = listings_new + $4,
            listings_updated = listings_updated + $5, rejected_cards = rejected_cards + $6 WHERE id = $1`,
    [runId, progress.pages, progress.stored.inserted + progress.stored.updated, progress.stored.inserted, progress.stored.updated, progress.rejectedCards],
  );
}

export async function recordRunProblem(db: Database, runId: number, problem: { error: string; screenshot: string | null }): Promise<void> {
  await db.query(
    `UPDATE scrape_runs SET errors = array_append(errors, $2),
            screenshot_paths = CASE WHEN $3::text IS NULL THEN screenshot_paths ELSE array_append(screenshot_paths, $3::text) END
      WHERE id = $1`,
    [runId, problem.error, problem.screenshot],
  );
}

export async function recordDealsAnalysed(db: Pick<Database, 'query'>, runId: number, dealsRated: number): Promise<void> {
  await db.query('UPDATE scrape_runs SET deals_analysed = $2 WHERE id = $1', [runId, dealsRated]);
}

export async function scrapeRunTotals(db: Database, runId: number): Promise<ScrapeRunTotals> {
  const { rows } = await db.query(`SELECT pages, listings_seen, listings_new, listings_updated, rejected_cards FROM scrape_runs WHERE id = $1`, [
    runId,
  ]);
  const run = rows[0];
  return {
    pages: run.pages,
    listingsSeen: run.listings_seen,
    listingsNew: run.listings_new,
    listingsUpdated: run.listings_updated,
    rejectedCards: run.rejected_cards,
  };
}

const RUN_COLUMNS = `id AS run_id, make, model, workflow_id, status, pages, listings_seen, listings_new, listings_updated, rejected_cards,
  deals_analysed, stop_reason, errors, screenshot_paths, started_at, finished_at`;
const toRunRow = (row: any): ScrapeRunRow => ({
  ...row,
  started_at: row.started_at.toISOString(),
  finished_at: row.finished_at?.toISOString() ?? null,
});

export async function findScrapeRun(db: Database, runId: number): Promise<ScrapeRunRow | null> {
  const { rows } = await db.query(`SELECT ${RUN_COLUMNS} FROM scrape_runs WHERE id = $1`, [runId]);
  return rows[0] ? toRunRow(rows[0]) : null;
}

/** Runs not finished yet, oldest first. */
export async function runningScrapeRuns(db: Database): Promise<ScrapeRunRow[]> {
  const { rows } = await db.query(`SELECT ${RUN_COLUMNS} FROM scrape_runs WHERE status = 'running' ORDER BY started_at`);
  return rows.map(toRunRow);
}

const scrapeRunCursor = listCursor('scrape-runs', [cursorKey.timestamp, cursorKey.id]);

/** The statements `scrapeRunHistory` runs (exported so a test can check their plans). */
export function scrapeRunListQuery(filter: { make?: string; model?: string }) {
  return new ListQuery(RUN_COLUMNS, 'scrape_runs', ['started_at', 'id'])
    .filter(filter.make, (make) => `lower(make) = lower(${make})`)
    .filter(filter.model, (model) => `lower(model) = lower(${model})`);
}

/** A page of runs, newest first, optionally of one make and/or model (case-insensitive), with the total. */
export async function scrapeRunHistory(db: Database, filter: { make?: string; model?: string }, request: ListRequest) {
  const page = await readList(db, scrapeRunListQuery(filter), scrapeRunCursor, request);
  return { ...page, rows: page.rows.map(toRunRow) };
}
