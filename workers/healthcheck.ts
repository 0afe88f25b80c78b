import os from 'node:os';
import { loadSettings } from '../config/settings';
import { createPool } from '../platform/database';
import { liveWorkerQueues } from '../platform/worker-heartbeat';

/**
 * Docker healthcheck of a worker container: healthy while a worker process of this host sent its
 * heartbeat to PostgreSQL within the staleness window, i.e. it runs and reaches the database, which
 * a bare process check cannot tell.
 */
async function main() {
  const settings = loadSettings();
  if (!settings.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const db = createPool(settings.DATABASE_URL, { max: 1, applicationName: 'prospector-healthcheck' });
  try {
    const queues = await liveWorkerQueues(db, os.hostname());
    if (queues.size === 0) throw new Error(`no recent worker heartbeat from ${os.hostname()}`);
    console.log(`serving: ${[...queues].join(', ')}`);
  } finally {
    await db.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
