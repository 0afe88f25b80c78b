import { loadSettings } from '../config/settings';
import { runMigrations } from '../platform/database';
import { logger } from '../platform/logger';
import { startApiServer } from './server';

/**
 * The API as a service of its own (docker-compose, or beside an external Temporal cluster):
 * applies pending migrations, then serves until SIGTERM/SIGINT.
 */
async function main() {
  const settings = loadSettings();
  if (!settings.DATABASE_URL) throw new Error('DATABASE_URL is required');
  await runMigrations(settings.DATABASE_URL);
  const api = await startApiServer(settings);
  logger.info({ url: api.url }, 'API listening');
  const stop = async () => {
    await api.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error) => {
  logger.fatal({ err: error }, 'API failed to start');
  process.exit(1);
});
