import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { ChildStatus } from '../platform/child-processes';
import { createPool, type Database } from '../platform/database';
import { SecretBox } from '../platform/encryption';
import { logger } from '../platform/logger';
import { type TaskQueues, taskQueues } from '../platform/task-queues';
import { ensureSearchAttributes } from '../platform/temporal-server';
import { ensureAllSchedules } from '../schedules/registry';
import { countIdsByKind } from '../domain/operations/id-summary';
import { SourceHealthMonitor } from '../services/platform/source-health';
import { createApp } from './app';

export interface RunningApi {
  url: string;
  client: Client;
  db: Database;
  queues: TaskQueues;
  close(): Promise<void>;
}

/**
 * The API process's own wiring: a Temporal client (search attributes registered), a PostgreSQL
 * pool, the Temporal Schedules in place, and the HTTP server. `beforeListen` runs once the clients
 * exist, e.g. to wait for workers. `processes` reports the supervised children in health.
 */
export async function startApiServer(
  settings: Settings,
  options: {
    startedAt?: Date;
    beforeListen?: (api: Pick<RunningApi, 'client' | 'db' | 'queues'>) => Promise<void>;
    processes?: () => ChildStatus[];
  } = {},
): Promise<RunningApi> {
  if (!settings.DATABASE_URL || !settings.TEMPORAL_ADDRESS || !settings.ENCRYPTION_KEY) {
    throw new Error('the API needs DATABASE_URL, TEMPORAL_ADDRESS and ENCRYPTION_KEY');
  }
  const connection = await Connection.connect({ address: settings.TEMPORAL_ADDRESS });
  const added = await ensureSearchAttributes(connection, settings.TEMPORAL_NAMESPACE);
  if (added.length) logger.info({ added }, 'search attributes registered');
  const client = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
  const db = createPool(settings.DATABASE_URL, { applicationName: 'prospector-api' });
  const queues = taskQueues(settings.TASK_QUEUE_PREFIX);
  const secrets = SecretBox.fromBase64(settings.ENCRYPTION_KEY);
  await options.beforeListen?.({ client, db, queues });
  const schedules = await ensureAllSchedules({ client, settings, db, queues });
  // A count per kind, not the ids: 85 ids made a line of 3,000 characters.
  if (schedules.length) logger.info({ schedules: countIdsByKind(schedules) }, 'Temporal Schedules in place');

  const sourceHealth = new SourceHealthMonitor(
    { settings, db, secrets },
    { intervalMs: settings.HEALTH_SOURCES_INTERVAL_SECONDS * 1000 },
  ).start();
  const app = createApp({
    settings,
    db,
    temporal: client,
    namespace: settings.TEMPORAL_NAMESPACE,
    queues,
    secrets,
    startedAt: options.startedAt ?? new Date(),
    processes: options.processes,
    sourceHealth: () => sourceHealth.component(),
  });
  const server = serve({ fetch: app.fetch, hostname: settings.API_HOST, port: settings.API_PORT });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  return {
    url: `http://${settings.API_HOST}:${settings.API_PORT}`,
    client,
    db,
    queues,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sourceHealth.stop();
      await db.end();
      await connection.close();
    },
  };
}
