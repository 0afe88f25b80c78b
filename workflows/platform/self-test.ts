import { proxyActivities } from '@temporalio/workflow';
import type { BrowserProbeActivities } from '../../activities/platform/browser-probe';
import type { DatabaseProbeResult, PlatformActivities } from '../../activities/platform/self-test';
import { retryPolicy } from '../../temporal/retry-profiles';
import { activityTaskQueue } from '../task-queues';

const retry = retryPolicy('probe');

export interface SelfTestResult {
  database: DatabaseProbeResult;
  browser?: { browserVersion: string; renderedTitle: string };
}

/**
 * End-to-end check of the platform: a workflow on the workflows queue schedules an activity on the
 * HTTP queue (which reaches PostgreSQL) and, when asked, one on the browser queue (Chromium).
 */
export async function platformSelfTestWorkflow(options: { includeBrowser?: boolean } = {}): Promise<SelfTestResult> {
  const { probeDatabase } = proxyActivities<PlatformActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '10 seconds',
    retry,
  });
  const { probeBrowser } = proxyActivities<BrowserProbeActivities>({
    taskQueue: activityTaskQueue('browser'),
    startToCloseTimeout: '60 seconds',
    retry,
  });
  const database = await probeDatabase();
  if (!options.includeBrowser) return { database };
  return { database, browser: await probeBrowser() };
}
