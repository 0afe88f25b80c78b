import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import { NotFoundError } from '../../domain/errors';
import { incrementalScheduleId } from '../../workflows/permits/ids';

export interface CountySchedule {
  schedule_id: string;
  paused: boolean;
  note: string | null;
  interval_days: number | null;
  next_action_times: string[];
  recent_actions: Array<{ scheduled_at: string; workflow_id: string }>;
}

export type ScheduleAction = 'pause' | 'resume' | 'trigger';

async function describe(temporal: Client, countyId: number): Promise<CountySchedule | null> {
  const scheduleId = incrementalScheduleId(countyId);
  try {
    const described = await temporal.schedule.getHandle(scheduleId).describe();
    const every = described.spec.intervals?.[0]?.every;
    return {
      schedule_id: scheduleId,
      paused: described.state.paused,
      note: described.state.note ?? null,
      interval_days: typeof every === 'number' ? every / 86_400_000 : null,
      next_action_times: described.info.nextActionTimes.map((time) => time.toISOString()),
      recent_actions: described.info.recentActions.map((action) => ({
        scheduled_at: action.scheduledAt.toISOString(),
        workflow_id: action.action.type === 'startWorkflow' ? action.action.workflow.workflowId : '',
      })),
    };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

/** The county's weekly incremental pull schedule, created when its historical pull completes. */
export async function getCountySchedule(temporal: Client, countyId: number): Promise<CountySchedule> {
  const schedule = await describe(temporal, countyId);
  if (!schedule) throw new NotFoundError(`county ${countyId} has no schedule yet (it is created when its historical pull completes)`);
  return schedule;
}

/** Pauses, resumes or triggers the county's schedule; returns it as it is after. */
export async function applyScheduleAction(temporal: Client, countyId: number, action: ScheduleAction): Promise<CountySchedule> {
  if (!(await describe(temporal, countyId))) throw new NotFoundError(`county ${countyId} has no schedule yet`);
  const handle = temporal.schedule.getHandle(incrementalScheduleId(countyId));
  if (action === 'pause') await handle.pause('paused through the API');
  else if (action === 'resume') await handle.unpause('resumed through the API');
  else await handle.trigger();
  return (await describe(temporal, countyId))!;
}

/** Deletes the county's schedule when it has one. */
export async function deleteCountySchedule(temporal: Client, countyId: number): Promise<void> {
  await temporal.schedule.getHandle(incrementalScheduleId(countyId)).delete().catch((error: unknown) => {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  });
}
