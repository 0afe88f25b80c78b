import type { Database } from '../../platform/database';
import { jobDurationSeconds } from '../../platform/metrics';
import type { CrmSyncProgress } from '../../domain/crm/sync-progress';

export type CrmSyncRunStatus = CrmSyncProgress['status'];

/** A run as kept in PostgreSQL: the workflow's progress counts plus what identifies and dates it. */
export interface CrmSyncRun extends CrmSyncProgress {
  runKey: string;
  workflowId: string;
  selection: 'pending' | 'leads';
  errorMessage: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export async function beginSyncRun(
  db: Pick<Database, 'query'>,
  run: { runKey: string; workflowId: string; selection: 'pending' | 'leads'; total: number; status: CrmSyncRunStatus },
): Promise<void> {
  await db.query(
    `INSERT INTO crm_sync_runs (run_key, workflow_id, selection, total, status, finished_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'running' THEN NULL ELSE now() END)
     ON CONFLICT (run_key) DO NOTHING`,
    [run.runKey, run.workflowId, run.selection, run.total, run.status],
  );
}

/** Counters recomputed from the attempts of this run, so a retried batch is never counted twice. */
export async function refreshSyncRunCounts(db: Pick<Database, 'query'>, runKey: string, requestsSent: number): Promise<void> {
  await db.query(
    `UPDATE crm_sync_runs r SET
       created = c.created, updated = c.updated, skipped = c.skipped, failed = c.failed,
       processed = c.created + c.updated + c.skipped + c.failed,
       requests = r.requests + $2, updated_at = now()
     FROM (SELECT count(*) FILTER (WHERE outcome = 'created')::int AS created,
                  count(*) FILTER (WHERE outcome = 'updated')::int AS updated,
                  count(*) FILTER (WHERE outcome = 'skipped')::int AS skipped,
                  count(*) FILTER (WHERE outcome = 'failed')::int AS failed
             FROM crm_lead_sync_attempts WHERE run_key = $1) c
     WHERE r.run_key = $1`,
    [runKey, requestsSent],
  );
}

/** Ends a run that is still running (a run that has ended keeps its end); false when it had ended already. */
export async function finishSyncRun(
  db: Pick<Database, 'query'>,
  runKey: string,
  status: Exclude<CrmSyncRunStatus, 'running'>,
  errorMessage: string | null,
): Promise<boolean> {
  const { rows } = await db.query<{ seconds: number }>(
    `UPDATE crm_sync_runs SET status = $2, error_message = $3, finished_at = now(), updated_at = now() WHERE run_key = $1 AND status = 'running'
     RETURNING EXTRACT(EPOCH FROM finished_at - started_at)::float8 AS seconds`,
    [runKey, status, errorMessage],
  );
  for (const row of rows) jobDurationSeconds.observe({ pipeline: 'crm', status }, row.seconds);
  return rows.length > 0;
}

export async function latestSyncRun(db: Pick<Database, 'query'>): Promise<CrmSyncRun | null> {
  const { rows } = await db.query('SELECT * FROM crm_sync_runs ORDER BY started_at DESC, id DESC LIMIT 1');
  return rows[0] ? toSyncRun(rows[0]) : null;
}

export async function findSyncRun(db: Pick<Database, 'query'>, runKey: string): Promise<CrmSyncRun | null> {
  const { rows } = await db.query('SELECT * FROM crm_sync_runs WHERE run_key = $1', [runKey]);
  return rows[0] ? toSyncRun(rows[0]) : null;
}

/** Every run still running, oldest first. */
export async function runningSyncRuns(db: Pick<Database, 'query'>): Promise<CrmSyncRun[]> {
  const { rows } = await db.query(`SELECT * FROM crm_sync_runs WHERE status = 'running' ORDER BY id`);
  return rows.map(toSyncRun);
}

function toSyncRun(row: any): CrmSyncRun {
  return {
    runKey: row.run_key,
    workflowId: row.workflow_id,
    selection: row.selection,
    status: row.status,
    total: row.total,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    failed: row.failed,
    requests: row.requests,
    errorMessage: row.error_message,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
