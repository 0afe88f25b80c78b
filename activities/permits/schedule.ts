import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { crmAutoSyncEnabled } from '../../config/accela-settings';
import type { Settings } from '../../config/settings';
import type { ScheduleContext } from '../../schedules/registry';
import { CountyIdAttribute, PullKindAttribute, SourceAttribute } from '../../platform/search-attributes';
import { incrementalPullWorkflowId, incrementalScheduleId } from '../../workflows/permits/ids';

/**
 * Creates or updates a county's weekly incremental pull: every 7 days, the 8 days before the scheduled
 * time; a run still going when the next is due makes the next one skip; missed runs are caught up only
 * within an explicit window.
 */
export async function ensureIncrementalSchedule(client: Client, settings: Settings, countyId: number, workflowsQueue: string): Promise<string> {
  const scheduleId = incrementalScheduleId(countyId);
  const options = {
    spec: { intervals: [{ every: `${settings.ACCELA_INCREMENTAL_INTERVAL_DAYS} days` }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'accelaIncrementalPullWorkflow',
      workflowId: incrementalPullWorkflowId(countyId),
      taskQueue: workflowsQueue,
      args: [{ countyId, windowDays: settings.ACCELA_INCREMENTAL_WINDOW_DAYS, autoSyncToCrm: crmAutoSyncEnabled(settings), pageHeartbeatTimeoutSeconds: settings.ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS }],
      typedSearchAttributes: [
        { key: SourceAttribute, value: 'accela' },
        { key: PullKindAttribute, value: 'incremental_pull' },
        { key: CountyIdAttribute, value: String(countyId) },
      ],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${settings.ACCELA_SCHEDULE_CATCHUP_WINDOW_HOURS} hours` },
  };
  try {
    await client.schedule.create({ scheduleId, ...options });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...options, state: previous.state }));
  }
  return scheduleId;
}

/** Start-up: every county whose historical pull completed has its weekly schedule, as configured now. */
export async function ensurePermitSchedules(context: ScheduleContext): Promise<string[]> {
  const { rows } = await context.db.query<{ county_id: number }>(`SELECT DISTINCT county_id FROM permit_pull_jobs WHERE job_type = 'initial_pull' AND status = 'completed'`);
  const ids: string[] = [];
  for (const row of rows) ids.push(await ensureIncrementalSchedule(context.client, context.settings, row.county_id, context.queues.workflows));
  return ids;
}
