import path from 'node:path';
import pg from 'pg';
import { logger } from './logger';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

// PostgreSQL returns BIGINT (int8) as text to avoid precision loss; our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));
// NUMERIC stays exact text by default; money and margins are read as numbers.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number.parseFloat(value));

export type Database = pg.Pool;

export function createPool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'prospector',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client error'));
  // pg-pool listens for errors on idle clients only: a checked-out client whose session the server ends
  // between two queries (a restart, an outage) would crash the process with an unhandled 'error'. Its
  // next query fails instead, and releasing it drops the connection.
  pool.on('connect', (client) => client.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost')));
  return pool;
}

/**
 * Applies every pending versioned SQL migration in `migrations/` (node-pg-migrate, advisory-locked). The
 * migrator is loaded here only, so worker processes, which never migrate, do not hold it in memory.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: 'schema_migrations',
    direction: 'up',
    // Pipelines add migrations independently; order inside the folder is by file name.
    checkOrder: false,
    advisoryLockMode: 'wait',
    log: () => undefined,
    logger: { debug: () => undefined, info: () => undefined, warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
  });
  return applied.map((migration) => migration.name);
}

export async function withTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Replaces the database name in a connection URL, e.g. to create a throw-away test database. */
export function withDatabaseName(databaseUrl: string, databaseName: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}
