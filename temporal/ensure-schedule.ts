import { type Client, ScheduleAlreadyRunning, type ScheduleOptions, type ScheduleUpdateOptions } from '@temporalio/client';

export type ScheduleDefinition = Omit<ScheduleOptions, 'scheduleId' | 'state'>;

/**
 * Creates a Temporal Schedule, or brings an existing one up to the definition: run at every start-up,
 * so it is idempotent. An update keeps the schedule's state (paused or not, its note), which belongs
 * to the operators; `initialState` applies only when the schedule is created.
 */
export async function ensureSchedule(
  client: Client,
  scheduleId: string,
  definition: ScheduleDefinition,
  initialState?: ScheduleOptions['state'],
): Promise<string> {
  try {
    await client.schedule.create({ scheduleId, ...definition, ...(initialState ? { state: initialState } : {}) });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...previous, ...definition, state: previous.state }) as ScheduleUpdateOptions);
  }
  return scheduleId;
}
