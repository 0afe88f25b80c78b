import { proxyActivities } from '@temporalio/workflow';
import type { PermitActivities } from '../../activities/permits/pull-activities';
import { retryPolicy } from '../../temporal/retry-profiles';
import { activityTaskQueue } from '../task-queues';

const DEFAULT_PAGE_HEARTBEAT_SECONDS = 60;

/**
 * The page activity: long enough for 1,000 permits with enrichment under a slow API. It heartbeats after
 * every API call, so a worker that dies mid-page is noticed after `heartbeatTimeoutSeconds`.
 */
export function pageActivities(heartbeatTimeoutSeconds = DEFAULT_PAGE_HEARTBEAT_SECONDS) {
  return proxyActivities<PermitActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: retryPolicy('sourcePage', ['CountyNotFound']),
  });
}

/** Bookkeeping activities: quick PostgreSQL writes and the schedule call. */
export function jobActivities() {
  return proxyActivities<PermitActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '30 seconds',
    retry: retryPolicy('bookkeeping', ['PullAlreadyRunning', 'CountyNotFound']),
  });
}
