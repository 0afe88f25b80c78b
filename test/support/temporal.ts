import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import { loadSettings } from '../../config/settings';
import { BrowserProvider } from '../../platform/browser';
import type { Database } from '../../platform/database';
import { SecretBox } from '../../platform/encryption';
import { type TaskQueueRole, type TaskQueues, taskQueues } from '../../platform/task-queues';
import { createWorkers, runWorkers } from '../../workers/create-workers';
import { requireEnv } from './database';
import { TEST_ENCRYPTION_KEY } from './encryption-key';

let runtimeInstalled = false;

/** The run's shared dev server (started by scripts/run-tests.ts); never a mock. */
export async function connectTestTemporal(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  return TestWorkflowEnvironment.createFromExistingServer({ address: requireEnv('TEMPORAL_ADDRESS') });
}

/** A task-queue prefix of the test's own, so workers of different tests never take each other's tasks. */
export function uniqueQueues(label: string): TaskQueues {
  return taskQueues(`test-${label}-${randomBytes(3).toString('hex')}`);
}

export interface TestWorkers {
  queues: TaskQueues;
  workers: Worker[];
  browsers: BrowserProvider;
  /** The credential box the activities open secrets with (the same key as the test API's). */
  secrets: SecretBox;
  stop(): Promise<void>;
}

/** Real workers on the run's workflow bundle, as `workers/main.ts` starts them. */
export async function startTestWorkers(options: {
  connection: NativeConnection;
  db: Database;
  queues: TaskQueues;
  roles?: TaskQueueRole[];
  env?: Record<string, string>;
}): Promise<TestWorkers> {
  const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...options.env });
  const secrets = SecretBox.fromBase64(TEST_ENCRYPTION_KEY);
  const browsers = new BrowserProvider(settings.CHROMIUM_PATH);
  const workers = await createWorkers({
    connection: options.connection,
    namespace: 'default',
    queues: options.queues,
    deps: { settings, db: options.db, secrets, browsers },
    roles: options.roles ?? ['workflows', 'http', 'browser'],
    workflowBundlePath: requireEnv('WORKFLOW_BUNDLE_PATH'),
    shutdownGraceSeconds: 2,
    httpConcurrency: settings.HTTP_ACTIVITY_CONCURRENCY,
    browserConcurrency: settings.BROWSER_ACTIVITY_CONCURRENCY,
  });
  const running = runWorkers(workers, options.db, `test-${randomBytes(4).toString('hex')}`);
  return {
    queues: options.queues,
    workers,
    browsers,
    secrets,
    async stop() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await browsers.close();
    },
  };
}

export type { Client };
