import { loadSettings } from '../config/settings';
import { startEmbeddedPostgres } from './embedded-postgres';
import { logger } from './logger';
import { exitWithParent } from './parent-watch';

/**
 * Runs embedded PostgreSQL in its own process. embedded-postgres hooks SIGINT/SIGTERM to stop the
 * server and exit; isolated here, that cannot cut the stack's orderly shutdown short (workers
 * finish their activities against the database first, then this process is stopped). When the
 * server dies on its own, this process exits non-zero so that the supervisor starts both again, on
 * the same data folder and port.
 */
async function main() {
  const settings = loadSettings();
  const database = await startEmbeddedPostgres(settings.DATA_DIR, settings.EMBEDDED_POSTGRES_PORT);
  process.send?.({ type: 'ready', url: database.url });
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await database.stop();
    process.exit(0);
  };
  void database.serverExited.then(({ code, signal }) => {
    if (stopping) return;
    logger.error({ code, signal }, 'PostgreSQL server exited unexpectedly; exiting so that it is restarted');
    process.exit(1);
  });
  process.once('SIGTERM', () => void stop());
  exitWithParent(() => void stop());
}

main().catch((error) => {
  logger.fatal({ err: error }, 'embedded PostgreSQL failed');
  process.exit(1);
});
