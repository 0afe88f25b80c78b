import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createBrowserActivities, createFailureMappers, createHttpActivities } from '../activities';
import type { ActivityDependencies } from '../activities/dependencies';
import type { Database } from '../platform/database';
import type { TaskQueueRole, TaskQueues } from '../platform/task-queues';
import { startWorkerHeartbeat } from '../platform/worker-heartbeat';
import { WORKFLOWS_PATH } from '../platform/workflows-path';
import { activityFailureInterceptor } from '../temporal/activity-failures';

export interface WorkerSetOptions {
  connection: NativeConnection;
  namespace: string;
  queues: TaskQueues;
  deps: ActivityDependencies;
  roles: readonly TaskQueueRole[];
  /** A prebuilt bundle (`npm run build:workflows`); without it (tests only) each workflow worker bundles on start. */
  workflowBundlePath?: string;
  shutdownGraceSeconds: number;
  /** Workflow runs kept in the sticky cache (SDK default when unset). */
  maxCachedWorkflows?: number;
  httpConcurrency: number;
  browserConcurrency: number;
}

/**
 * One Worker per task queue role: workflows only, HTTP-pull activities, browser activities.
 * Separate queues let each be scaled and rate-limited on its own.
 */
export async function createWorkers(options: WorkerSetOptions): Promise<Worker[]> {
  const common: Pick<WorkerOptions, 'connection' | 'namespace' | 'shutdownGraceTime' | 'interceptors'> = {
    connection: options.connection,
    namespace: options.namespace,
    shutdownGraceTime: `${options.shutdownGraceSeconds} seconds`,
    interceptors: { activity: [activityFailureInterceptor(createFailureMappers(options.deps.settings))] },
  };
  const workflowSource = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: WORKFLOWS_PATH };

  const workers: Worker[] = [];
  for (const role of options.roles) {
    switch (role) {
      case 'workflows':
        workers.push(await Worker.create({ ...common, taskQueue: options.queues.workflows, ...workflowSource, maxCachedWorkflows: options.maxCachedWorkflows }));
        break;
      case 'http':
        workers.push(
          await Worker.create({
            ...common,
            taskQueue: options.queues.http,
            activities: createHttpActivities(options.deps),
            maxConcurrentActivityTaskExecutions: options.httpConcurrency,
          }),
        );
        break;
      case 'browser':
        workers.push(
          await Worker.create({
            ...common,
            taskQueue: options.queues.browser,
            activities: createBrowserActivities(options.deps),
            maxConcurrentActivityTaskExecutions: options.browserConcurrency,
          }),
        );
        break;
    }
  }
  return workers;
}

/**
 * Runs the workers until they shut down (SIGINT/SIGTERM are handled by the Temporal Runtime),
 * reporting them alive in PostgreSQL meanwhile so health sees a stopped worker at once.
 */
export async function runWorkers(workers: Worker[], db: Database, identity: string): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      const running = worker.run();
      // One heartbeat per worker: a queue whose worker stopped is seen at once, even if others run on.
      const heartbeat = startWorkerHeartbeat(db, `${identity}/${worker.options.taskQueue}`, [worker.options.taskQueue]);
      try {
        await running;
      } finally {
        await heartbeat.stop();
      }
    }),
  );
}
