import { type Client, ScheduleAlreadyRunning, type ScheduleOptions, type ScheduleUpdateOptions } from '@temporalio/client';

export type ScheduleDefinition = Omit<ScheduleOptions, 'scheduleId' | 'state'>;

/**
 * Creates a Temporal Schedule, or brings an existing one up to the definition: run at every start-up,
 * so it is idempotent. An update keeps the schedule's state (paused or not), which belongs to the
 * operators; `initialState` applies when the schedule is created, and its note (what the schedule runs
 * and for whom, see temporal/run-summaries.ts) also replaces the note of a running schedule, so it
 * follows the definition. A paused schedule keeps its note: it says why it was paused.
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
      .update((previous) => {
        const note = previous.state.paused ? previous.state.note : (initialState?.note ?? previous.state.note);
        return { ...previous, ...definition, state: { ...previous.state, note } } as ScheduleUpdateOptions;
      });
  }
  return scheduleId;
}
