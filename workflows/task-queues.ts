import { workflowInfo } from '@temporalio/workflow';
import { siblingTaskQueue, type TaskQueueRole } from '../platform/task-queues';

/** The task queue for activities of a role, next to the queue this workflow runs on. */
export function activityTaskQueue(role: Exclude<TaskQueueRole, 'workflows'>): string {
  return siblingTaskQueue(workflowInfo().taskQueue, role);
}
