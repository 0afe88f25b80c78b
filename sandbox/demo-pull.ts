import { ConflictError } from '../domain/errors';
import { findLiveOrCompletedHistoricalPull, startPermitPull } from '../services/permits/pull-jobs';
import type { SandboxContext } from './seed-demo';

/**
 * Starts a demo county's 30-year pull unless one ran or runs already (a restarted sandbox keeps what it pulled), and
 * says which for the seeder's log line.
 */
export async function startDemoPullUnlessDone(context: SandboxContext, countyId: number): Promise<string> {
  const pulled = await findLiveOrCompletedHistoricalPull(context.db, countyId);
  if (pulled) return `demo county ${countyId}: historical pull job ${pulled.id} is ${pulled.status}`;
  try {
    const job = await startPermitPull(context, countyId, { jobType: 'initial_pull' });
    return `demo county ${countyId}: historical pull started (job ${job.id}, workflow ${job.workflow_id})`;
  } catch (error) {
    if (error instanceof ConflictError) return `demo county ${countyId}: a pull is already running`;
    throw error;
  }
}
