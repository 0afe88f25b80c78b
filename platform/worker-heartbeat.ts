import type { Database } from './database';
import { logger } from './logger';

export const WORKER_HEARTBEAT_INTERVAL_MS = 5_000;
/** A worker whose last heartbeat is older than this is taken as gone (it missed three beats). */
export const WORKER_HEARTBEAT_STALE_MS = 3 * WORKER_HEARTBEAT_INTERVAL_MS + 1_000;

/** Reports a worker process as alive, serving these task queues, until `stop()` removes it. */
export function startWorkerHeartbeat(db: Database, identity: string, taskQueueNames: readonly string[]) {
  const beat = () =>
    db
      .query(
        `INSERT INTO worker_heartbeats (identity, task_queues) VALUES ($1, $2)
         ON CONFLICT (identity) DO UPDATE SET task_queues = EXCLUDED.task_queues, last_seen_at = now()`,
        [identity, taskQueueNames],
      )
      .catch((error) => logger.warn({ err: error }, 'worker heartbeat not recorded'));
  const timer = setInterval(beat, WORKER_HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    first: beat(),
    async stop() {
      clearInterval(timer);
      await db.query('DELETE FROM worker_heartbeats WHERE identity = $1', [identity]).catch(() => undefined);
    },
  };
}

/** Task queues with at least one worker that reported within the staleness window (on `host` only, when given). */
export async function liveWorkerQueues(db: Database, host?: string): Promise<Set<string>> {
  // Identities are `<pid>@<host>/<task queue>` (workers/create-workers.ts).
  const result = await db.query<{ task_queue: string }>(
    `SELECT DISTINCT unnest(task_queues) AS task_queue FROM worker_heartbeats
     WHERE last_seen_at > now() - make_interval(secs => $1)
       AND ($2::text IS NULL OR split_part(split_part(identity, '@', 2), '/', 1) = $2)`,
    [WORKER_HEARTBEAT_STALE_MS / 1000, host ?? null],
  );
  return new Set(result.rows.map((row) => row.task_queue));
}
