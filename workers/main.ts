// First: keeps the SDK's workflow bundler (webpack) out of this process, which loads a prebuilt bundle.
import './without-bundler';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { loadSettings } from '../config/settings';
import { PREBUILT_WORKFLOW_BUNDLE_PATH } from '../platform/workflows-path';
import { BrowserProvider } from '../platform/browser';
import { createPool } from '../platform/database';
import { SecretBox } from '../platform/encryption';
import { logger } from '../platform/logger';
import { serveMetrics } from '../platform/metrics-server';
import { temporalLogger } from '../platform/temporal-logger';
import { exitWithParent } from '../platform/parent-watch';
import { taskQueues } from '../platform/task-queues';
import { createWorkers, runWorkers } from './create-workers';

/**
 * The worker process. `WORKER_ROLES` (comma-separated: workflows,http,browser; default all) picks the
 * task queues it serves, so a deployment can run, say, browser workers on their own machines.
 */
async function main() {
  const settings = loadSettings();
  const roles = z
    .array(z.enum(['workflows', 'http', 'browser']))
    .min(1)
    .parse((process.env.WORKER_ROLES ?? 'workflows,http,browser').split(',').map((role) => role.trim()));
  if (!settings.DATABASE_URL || !settings.TEMPORAL_ADDRESS || !settings.ENCRYPTION_KEY) {
    throw new Error('workers need DATABASE_URL, TEMPORAL_ADDRESS and ENCRYPTION_KEY (npm start sets them)');
  }
  const workflowBundlePath = process.env.WORKFLOW_BUNDLE_PATH ?? PREBUILT_WORKFLOW_BUNDLE_PATH;
  if (roles.includes('workflows') && !existsSync(workflowBundlePath)) {
    throw new Error(`no workflow bundle at ${workflowBundlePath}: run npm run build:workflows (scripts/bootstrap.sh does when it is missing)`);
  }
  // SDK, workflow and activity log lines (and the Rust core's warnings) through our pino logger.
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  // The Runtime turns SIGTERM into a graceful worker shutdown.
  exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
  const connection = await NativeConnection.connect({ address: settings.TEMPORAL_ADDRESS });
  const db = createPool(settings.DATABASE_URL, { max: settings.HTTP_ACTIVITY_CONCURRENCY + 4, applicationName: 'prospector-worker' });
  const browsers = new BrowserProvider(settings.CHROMIUM_PATH);
  // A failure here exits the process (see below): the workers created so far hold the connection.
  const workers = await createWorkers({
    connection,
    namespace: settings.TEMPORAL_NAMESPACE,
    queues: taskQueues(settings.TASK_QUEUE_PREFIX),
    deps: { settings, db, secrets: SecretBox.fromBase64(settings.ENCRYPTION_KEY), browsers },
    roles,
    workflowBundlePath,
    shutdownGraceSeconds: settings.WORKER_SHUTDOWN_GRACE_SECONDS,
    maxCachedWorkflows: settings.WORKER_MAX_CACHED_WORKFLOWS,
    httpConcurrency: settings.HTTP_ACTIVITY_CONCURRENCY,
    browserConcurrency: settings.BROWSER_ACTIVITY_CONCURRENCY,
  });
  const metricsServer = settings.WORKER_METRICS_PORT === undefined ? undefined : await serveMetrics(settings.API_HOST, settings.WORKER_METRICS_PORT);
  logger.info({ roles, taskQueuePrefix: settings.TASK_QUEUE_PREFIX, metricsPort: settings.WORKER_METRICS_PORT }, 'workers running');
  try {
    await runWorkers(workers, db, `${process.pid}@${os.hostname()}`);
  } finally {
    metricsServer?.close();
    await browsers.close();
    await connection.close();
    await db.end();
  }
  logger.info('workers stopped');
}

main()
  // The IPC channel to a parent process would otherwise keep this process alive.
  .then(() => process.exit(0))
  .catch((error) => {
  logger.fatal({ err: error }, 'worker process failed');
  process.exit(1);
});
