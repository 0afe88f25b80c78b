import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { Database } from '../platform/database';
import type { TaskQueues } from '../platform/task-queues';
import { ensureAutotraderSchedules } from './autotrader';
import { ensureCepikSchedules } from './cepik';
import { ensurePermitSchedules } from './permits';

export interface ScheduleContext {
  client: Client;
  settings: Settings;
  db: Database;
  queues: TaskQueues;
}

/**
 * Creates or updates one source's Temporal Schedules; run at every start-up, so it must be
 * idempotent (create when missing, update when present).
 */
export type EnsureSchedules = (context: ScheduleContext) => Promise<string[]>;

/** Every source's schedule set; each pipeline adds its own. */
export const scheduleSets: Array<{ source: string; ensure: EnsureSchedules }> = [
  { source: 'cepik', ensure: ensureCepikSchedules },
  { source: 'accela', ensure: ensurePermitSchedules },
  { source: 'autotrader', ensure: ensureAutotraderSchedules },
];

export async function ensureAllSchedules(context: ScheduleContext): Promise<string[]> {
  const ids: string[] = [];
  for (const set of scheduleSets) ids.push(...(await set.ensure(context)));
  return ids;
}
