import os from 'node:os';
import { Context } from '@temporalio/activity';
import type { ActivityDependencies } from '../dependencies';

export interface DatabaseProbeResult {
  roundTripMs: number;
  workerIdentity: string;
  taskQueue: string;
}

/** The platform's own activity: a PostgreSQL round-trip from inside a worker, used by the self-test. */
export function createPlatformActivities({ db }: ActivityDependencies) {
  return {
    async probeDatabase(): Promise<DatabaseProbeResult> {
      const started = performance.now();
      await db.query('SELECT 1');
      return {
        roundTripMs: Math.round((performance.now() - started) * 100) / 100,
        workerIdentity: `${process.pid}@${os.hostname()}`,
        taskQueue: Context.current().info.taskQueue,
      };
    },
  };
}

export type PlatformActivities = ReturnType<typeof createPlatformActivities>;
