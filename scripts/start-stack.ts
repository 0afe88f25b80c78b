import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { loadSettings, type Settings } from '../config/settings';
import { ProcessSupervisor } from '../platform/child-processes';
import { createPool, runMigrations } from '../platform/database';
import { SecretBox } from '../platform/encryption';
import { localApiKey, localEncryptionKey } from '../platform/local-secrets';
import { logger } from '../platform/logger';
import { taskQueues } from '../platform/task-queues';
import { ensureSearchAttributes, type RunningTemporal, startTemporalDevServer } from '../platform/temporal-server';
import { seedSandbox } from '../sandbox/seed-demo';
import { ensureAllSchedules } from '../schedules/registry';
import { sandboxSimulators, sandboxSourceUrls } from '../simulators/registry';
import { waitForPollers } from './wait-for-pollers';

const ROOT = path.resolve(__dirname, '..');
const TSX_NODE_ARGS = ['--import', 'tsx'];

/**
 * `npm start` / `npm run sandbox`: PostgreSQL (DATABASE_URL or embedded), Temporal (TEMPORAL_ADDRESS
 * or a local dev server with the Web UI), the sandbox simulators when SOURCES=sandbox, the workers
 * and the HTTP API, all in one command; Ctrl-C or SIGTERM stops every one of them.
 */
async function main() {
  const startedAt = new Date();
  const explicit = loadSettings();
  const dataDir = explicit.DATA_DIR;
  const supervisor = new ProcessSupervisor(path.join(dataDir, 'logs'));
  let shuttingDown = false;
  const shutdown = async (reason: string, exitCode = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'stopping Prospector');
    await supervisor.stopAll((explicit.WORKER_SHUTDOWN_GRACE_SECONDS + 5) * 1000);
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    const notices: string[] = [];

    if (!explicit.API_KEYS.length) {
      const key = localApiKey(dataDir);
      env.API_KEYS = key.value;
      notices.push(`API key ${key.created ? 'generated into' : 'read from'} ${key.file}`);
    }
    if (!explicit.ENCRYPTION_KEY) {
      const key = localEncryptionKey(dataDir);
      env.ENCRYPTION_KEY = key.value;
      notices.push(`ENCRYPTION_KEY ${key.created ? 'generated into' : 'read from'} ${key.file}`);
    }

    if (!explicit.DATABASE_URL) {
      const child = spawnNodeChild(supervisor, 'postgres', path.join(ROOT, 'platform', 'embedded-postgres-process.ts'), env);
      env.DATABASE_URL = await readyMessage<{ url: string }>(child, 'embedded PostgreSQL').then((message) => message.url);
      notices.push(`embedded PostgreSQL on port ${explicit.EMBEDDED_POSTGRES_PORT}, data in ${path.join(dataDir, 'postgres')}`);
    }
    const applied = await runMigrations(env.DATABASE_URL!);
    if (applied.length) logger.info({ applied }, 'migrations applied');

    let temporal: RunningTemporal | undefined;
    if (!explicit.TEMPORAL_ADDRESS) {
      temporal = await startTemporalDevServer({
        cliPath: explicit.TEMPORAL_CLI_PATH,
        dataDir: path.join(dataDir, 'temporal'),
        port: explicit.TEMPORAL_DEV_PORT,
        uiPort: explicit.TEMPORAL_UI_PORT,
        namespace: explicit.TEMPORAL_NAMESPACE,
        supervisor,
      });
      env.TEMPORAL_ADDRESS = temporal.address;
    }

    if (explicit.SOURCES === 'sandbox') {
      for (const [key, url] of Object.entries(sandboxSourceUrls('127.0.0.1', explicit.SIMULATOR_BASE_PORT))) {
        if (!process.env[key]) env[key] = url;
      }
      await startSimulators(supervisor, env);
    }

    const settings: Settings = loadSettings(env);
    const connection = await Connection.connect({ address: settings.TEMPORAL_ADDRESS });
    supervisor.defer('temporal-client', () => connection.close());
    const added = await ensureSearchAttributes(connection, settings.TEMPORAL_NAMESPACE);
    if (added.length) logger.info({ added }, 'search attributes registered');
    const client = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
    const queues = taskQueues(settings.TASK_QUEUE_PREFIX);

    spawnNodeChild(supervisor, 'workers', path.join(ROOT, 'workers', 'main.ts'), env);
    const db = createPool(settings.DATABASE_URL!, { applicationName: 'prospector-api' });
    supervisor.defer('api-database-pool', () => db.end());
    await waitForPollers(client, settings.TEMPORAL_NAMESPACE, queues, 120_000, db);
    const schedules = await ensureAllSchedules({ client, settings, db, queues });
    if (schedules.length) logger.info({ schedules }, 'Temporal Schedules in place');
    const app = createApp({
      settings,
      db,
      temporal: client,
      namespace: settings.TEMPORAL_NAMESPACE,
      queues,
      secrets: SecretBox.fromBase64(settings.ENCRYPTION_KEY!),
      startedAt,
    });
    const server = serve({ fetch: app.fetch, hostname: settings.API_HOST, port: settings.API_PORT });
    supervisor.defer('api', () => new Promise<void>((resolve) => server.close(() => resolve())));
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));

    const apiUrl = `http://${settings.API_HOST}:${settings.API_PORT}`;
    const banner = [
      '',
      'Prospector is running' + (settings.SOURCES === 'sandbox' ? ' in sandbox mode (local simulators)' : ''),
      `  API:             ${apiUrl}/api`,
      `  API docs:        ${apiUrl}/docs`,
      `  Temporal Web UI: ${temporal?.uiUrl ?? `(external server at ${settings.TEMPORAL_ADDRESS})`}`,
      `  API key:         ${settings.API_KEYS[0]}`,
      ...notices.map((notice) => `  ${notice}`),
      '  Try: curl -H "X-API-Key: <key>" ' + `${apiUrl}/api/health`,
      '  Ctrl-C stops everything.',
      '',
    ];
    console.log(banner.join('\n'));

    if (settings.SOURCES === 'sandbox') await seedSandbox({ settings, db, temporal: client, queues });
  } catch (error) {
    logger.fatal({ err: error }, 'Prospector failed to start');
    await shutdown('start-up failure', 1);
  }
}

async function startSimulators(supervisor: ProcessSupervisor, env: NodeJS.ProcessEnv): Promise<void> {
  if (sandboxSimulators.length === 0) return;
  const child = spawnNodeChild(supervisor, 'simulators', path.join(ROOT, 'simulators', 'main.ts'), env);
  await readyMessage(child, 'simulators');
}

/** Waits for a child's first IPC message, which it sends once it serves. */
function readyMessage<T>(child: ChildProcess, label: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${label} exited with code ${code} during start-up; see data/logs/`)));
  });
}

/**
 * A TypeScript child with an IPC channel: the child exits when the channel closes, so it cannot
 * outlive this process even if this one is killed with SIGKILL (see platform/parent-watch.ts).
 */
function spawnNodeChild(supervisor: ProcessSupervisor, name: string, script: string, env: NodeJS.ProcessEnv) {
  return supervisor.spawn(name, process.execPath, [...TSX_NODE_ARGS, script], {
    env,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

void main();
