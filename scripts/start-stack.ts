import path from 'node:path';
import { startApiServer } from '../api/server';
import { loadSettings, type Settings, WORKER_TYPESCRIPT_LOADER, workerNodeOptions } from '../config/settings';
import { type ChildOptions, ProcessSupervisor, restartPolicy } from '../platform/child-processes';
import { runMigrations } from '../platform/database';
import { freePort } from '../platform/free-port';
import { localApiKey, localEncryptionKey } from '../platform/local-secrets';
import { logger } from '../platform/logger';
import { type RunningTemporal, startTemporalDevServer } from '../platform/temporal-server';
import { sandboxBannerLines } from '../sandbox/banner';
import { seedSandbox } from '../sandbox/seed-demo';
import { SANDBOX_SIMULATOR_HOST, sandboxSimulators, sandboxSourceUrls } from '../simulators/registry';
import { waitForPollers } from './wait-for-pollers';

const ROOT = path.resolve(__dirname, '..');
const TSX_NODE_ARGS = ['--import', 'tsx'];

/**
 * `npm start` / `npm run sandbox`: PostgreSQL (DATABASE_URL or embedded), Temporal (TEMPORAL_ADDRESS
 * or a local dev server with the Web UI), the sandbox simulators when SOURCES=sandbox, the workers
 * and the HTTP API, all in one command; Ctrl-C or SIGTERM stops every one of them. A child that
 * dies is restarted with backoff (README, Supervision), and health reports how each one fares.
 */
async function main() {
  const startedAt = new Date();
  const explicit = loadSettings();
  const dataDir = explicit.DATA_DIR;
  const supervisor = new ProcessSupervisor(path.join(dataDir, 'logs'), restartPolicy(explicit));
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
      const postgres = spawnNodeChild(supervisor, 'postgres', path.join(ROOT, 'platform', 'embedded-postgres-process.ts'), env, {
        signalsReady: true,
        critical: true,
      });
      env.DATABASE_URL = ((await postgres.ready) as { url: string }).url;
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

    const simulatorUrls = sandboxSourceUrls(SANDBOX_SIMULATOR_HOST, explicit.SIMULATOR_BASE_PORT);
    if (explicit.SOURCES === 'sandbox') {
      for (const [key, url] of Object.entries(simulatorUrls)) {
        if (!process.env[key]) env[key] = url;
      }
      await startSimulators(supervisor, env);
    }

    // The worker child's metrics (most pipeline figures live there) on a port of their own, kept across its restarts.
    if (explicit.WORKER_METRICS_PORT === undefined) env.WORKER_METRICS_PORT = String(await freePort());
    const settings: Settings = loadSettings(env);
    spawnNodeChild(supervisor, 'workers', path.join(ROOT, 'workers', 'main.ts'), env, {}, workerNodeOptions(settings), WORKER_TYPESCRIPT_LOADER);
    const api = await startApiServer(settings, {
      startedAt,
      processes: () => supervisor.statuses(),
      beforeListen: ({ client, db, queues }) => waitForPollers(client, settings.TEMPORAL_NAMESPACE, queues, 120_000, db),
    });
    supervisor.defer('api', api.close);

    const apiUrl = api.url;
    const banner = [
      '',
      'Prospector is running' + (settings.SOURCES === 'sandbox' ? ' in sandbox mode (local simulators)' : ''),
      `  API:             ${apiUrl}/api`,
      `  API docs:        ${apiUrl}/docs`,
      `  Temporal Web UI: ${temporal?.uiUrl ?? `(external server at ${settings.TEMPORAL_ADDRESS})`}`,
      `  API key:         ${settings.API_KEYS[0]}`,
      `  Worker metrics:  http://${settings.API_HOST}:${settings.WORKER_METRICS_PORT}/metrics`,
      ...notices.map((notice) => `  ${notice}`),
      '  Try: curl -H "X-API-Key: <key>" ' + `${apiUrl}/api/health`,
      ...(settings.SOURCES === 'sandbox'
        ? sandboxBannerLines({
            api: apiUrl,
            temporalUi: temporal?.uiUrl,
            namespace: settings.TEMPORAL_NAMESPACE,
            highlevelSimulator: simulatorUrls.HIGHLEVEL_BASE_URL!,
            alertWebhook: simulatorUrls.ALERT_WEBHOOK_URL!,
          })
        : []),
      '  Ctrl-C stops everything.',
      '',
    ];
    console.log(banner.join('\n'));

    if (settings.SOURCES === 'sandbox') await seedSandbox({ settings, db: api.db, temporal: api.client, queues: api.queues, startedAt });
  } catch (error) {
    logger.fatal({ err: error }, 'Prospector failed to start');
    await shutdown('start-up failure', 1);
  }
}

async function startSimulators(supervisor: ProcessSupervisor, env: NodeJS.ProcessEnv): Promise<void> {
  if (sandboxSimulators.length === 0) return;
  await spawnNodeChild(supervisor, 'simulators', path.join(ROOT, 'simulators', 'main.ts'), env, { signalsReady: true }).ready;
}

/**
 * A TypeScript child with an IPC channel: the child exits when the channel closes, so it cannot
 * outlive this process even if this one is killed with SIGKILL (see platform/parent-watch.ts).
 */
function spawnNodeChild(
  supervisor: ProcessSupervisor,
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  options: Pick<ChildOptions, 'signalsReady' | 'critical'> = {},
  nodeArgs: string[] = [],
  loader: readonly string[] = TSX_NODE_ARGS,
) {
  return supervisor.spawn(name, process.execPath, [...nodeArgs, ...loader, script], {
    ...options,
    env,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

void main();
