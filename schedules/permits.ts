import { type Client, ScheduleOverlapPolicy } from '@temporalio/client';
import { crmAutoSyncEnabled } from '../config/accela-settings';
import type { Settings } from '../config/settings';
import { incrementalScheduleOffsetMs } from '../domain/permits/schedule-spread';
import { findCounty } from '../stores/permits/county-store';
import { countiesWithCompletedHistoricalPull } from '../stores/permits/job-store';
import { ensureSchedule } from '../temporal/ensure-schedule';
import { incrementalPullMetadata, incrementalScheduleNote } from '../temporal/run-summaries';
import { type PermitSource, searchAttributes } from '../temporal/search-attributes';
import { incrementalPullWorkflowId, incrementalScheduleId } from '../workflows/permits/ids';
import type { accelaIncrementalPullWorkflow } from '../workflows/permits/incremental-pull';
import type { EnsureSchedules } from './registry';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates or updates a county's weekly incremental pull: every 7 days, the 8 days before the scheduled
 * time; a run still going when the next is due makes the next one skip; missed runs are caught up only
 * within an explicit window. Counties are spread over the interval (a fixed offset from the county id)
 * and each run starts up to `ACCELA_SCHEDULE_JITTER_MINUTES` late, so a fleet is never due at one instant.
 */
export async function ensureIncrementalSchedule(
  client: Client,
  settings: Settings,
  countyId: number,
  workflowsQueue: string,
  countyName?: string,
  source: PermitSource = 'accela',
): Promise<string> {
  const intervalMs = settings.ACCELA_INCREMENTAL_INTERVAL_DAYS * DAY_MS;
  const input = {
    countyId, countyName, windowDays: settings.ACCELA_INCREMENTAL_WINDOW_DAYS, autoSyncToCrm: crmAutoSyncEnabled(settings),
    pageHeartbeatTimeoutSeconds: settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS,
  };
  const everyDays = settings.ACCELA_INCREMENTAL_INTERVAL_DAYS;
  const note = incrementalScheduleNote({ countyId, countyName, source, everyDays, windowDays: input.windowDays, autoSyncToCrm: input.autoSyncToCrm });
  return ensureSchedule(client, incrementalScheduleId(countyId), {
    spec: {
      intervals: [{ every: intervalMs, offset: incrementalScheduleOffsetMs(countyId, intervalMs) }],
      jitter: settings.ACCELA_SCHEDULE_JITTER_MINUTES * 60_000,
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'accelaIncrementalPullWorkflow',
      workflowId: incrementalPullWorkflowId(countyId),
      taskQueue: workflowsQueue,
      args: [input] as Parameters<typeof accelaIncrementalPullWorkflow>,
      ...incrementalPullMetadata({ ...input, source, scheduleEveryDays: everyDays }),
      typedSearchAttributes: searchAttributes({ source, pullKind: 'incremental_pull', countyId }),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${settings.ACCELA_SCHEDULE_CATCHUP_WINDOW_HOURS} hours` },
  }, { note });
}

/** Start-up: every county whose historical pull completed has its weekly schedule, as configured now. */
export const ensurePermitSchedules: EnsureSchedules = async (context) => {
  const ids: string[] = [];
  for (const countyId of await countiesWithCompletedHistoricalPull(context.db)) {
    const county = await findCounty(context.db, countyId);
    ids.push(await ensureIncrementalSchedule(context.client, context.settings, countyId, context.queues.workflows, county ? String(county.name) : undefined, county?.platform));
  }
  return ids;
};
