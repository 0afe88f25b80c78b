import type { Client } from '@temporalio/client';
import { checkWorkers } from '../services/platform/health-components';
import type { Database } from '../platform/database';
import type { TaskQueues } from '../platform/task-queues';

/** Resolves once every task queue has a live poller, i.e. the workers are serving. */
export async function waitForPollers(
  client: Client,
  namespace: string,
  queues: TaskQueues,
  timeoutMs: number,
  db?: Database,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await checkWorkers(client, namespace, queues, db);
    if (health.status === 'healthy') return;
    if (Date.now() > deadline) throw new Error(`workers did not start polling within ${timeoutMs} ms: ${health.message}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
