import type { PullHistory } from '../../domain/permits/freshness';
import type { Database } from '../../platform/database';

/** Each county's pull history for its freshness: the newest completed pull and the newest failed one. */
export async function loadPullHistories(db: Pick<Database, 'query'>, countyIds: readonly number[]): Promise<Map<number, PullHistory>> {
  const { rows } = await db.query<{ county_id: string; success_started_at: Date | null; success_finished_at: Date | null; failed_at: Date | null }>(
    `SELECT c.id AS county_id, success.started_at AS success_started_at, success.finished_at AS success_finished_at, failure.finished_at AS failed_at
     FROM unnest($1::bigint[]) AS c (id)
     LEFT JOIN LATERAL (
       SELECT COALESCE(started_at, created_at) AS started_at, finished_at FROM permit_pull_jobs
       WHERE county_id = c.id AND status = 'completed' AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1
     ) success ON true
     LEFT JOIN LATERAL (
       SELECT finished_at FROM permit_pull_jobs
       WHERE county_id = c.id AND status = 'failed' AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1
     ) failure ON true`,
    [countyIds],
  );
  return new Map(rows.map((row) => [Number(row.county_id), {
    lastSuccessfulPull: row.success_finished_at ? { startedAt: row.success_started_at!, finishedAt: row.success_finished_at } : null,
    lastFailedPullAt: row.failed_at,
  }]));
}

/** Records the source's own last-modified time as just seen (the source may also move it back, as a republish does). */
export async function recordSourceModifiedAt(db: Pick<Database, 'query'>, countyId: number, modifiedAt: Date): Promise<void> {
  await db.query(`UPDATE counties SET source_modified_at = $2 WHERE id = $1`, [countyId, modifiedAt]);
}
