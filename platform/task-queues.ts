/**
 * Task queues by resource profile, so each can be scaled and rate-limited on its own:
 * workflows only; HTTP pulls and PostgreSQL upserts; Playwright browsers.
 * Kept free of Node imports: workflow code derives activity queues from its own queue name.
 */
export type TaskQueueRole = 'workflows' | 'http' | 'browser';

export interface TaskQueues {
  workflows: string;
  http: string;
  browser: string;
}

export function taskQueues(prefix: string): TaskQueues {
  return { workflows: `${prefix}-workflows`, http: `${prefix}-http`, browser: `${prefix}-browser` };
}

/** The queue of another role, given the workflow task queue a workflow runs on. */
export function siblingTaskQueue(workflowTaskQueue: string, role: TaskQueueRole): string {
  const prefix = workflowTaskQueue.replace(/-workflows$/, '');
  return taskQueues(prefix)[role];
}
