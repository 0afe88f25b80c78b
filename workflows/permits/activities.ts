import { proxyActivities } from '@temporalio/workflow';
import type { PermitActivities } from '../../activities/permits/pull-activities';
import { activityTaskQueue } from '../task-queues';

/** The page activity: long enough for 1,000 permits with enrichment under a slow API; heartbeats between calls. */
export function pageActivities() {
  return proxyActivities<PermitActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes: ['CountyNotFound'] },
  });
}

/** Bookkeeping activities: quick PostgreSQL writes and the schedule call. */
export function jobActivities() {
  return proxyActivities<PermitActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['PullAlreadyRunning', 'CountyNotFound'] },
  });
}
