import type { Client } from '@temporalio/client';
import type { Database } from '../../platform/database';
import type { RowCheck } from '../../temporal/workflow-outcome';
import { reconcileRunningCrmSyncRuns } from '../crm/sync';
import { reconcileRunningScrapeRuns } from '../listings/scrapes';
import { reconcileLivePermitJobs } from '../permits/pull-jobs';
import { type ComponentHealth, withTimeout } from './health-components';

type Counts = { running: number; reconciled: number; unchecked: number };

function count(checks: readonly RowCheck[]): Counts {
  return {
    running: checks.filter((check) => check === 'live').length,
    reconciled: checks.filter((check) => check === 'reconciled').length,
    unchecked: checks.filter((check) => check === 'unchecked').length,
  };
}

/**
 * Job rows against their workflows: every row of every kind that still says pending/running is checked
 * with Temporal, and one whose workflow has ended or vanished records its real end now (the readers of
 * each kind do the same). Degraded when this check found such rows (it says which kinds), unknown when
 * Temporal or PostgreSQL could not tell; never critical: the pipelines go on.
 */
export async function checkJobs(db: Database, temporal: Client): Promise<ComponentHealth> {
  const deps = { db, temporal };
  try {
    const [permits, scrapes, crm] = await withTimeout(
      Promise.all([reconcileLivePermitJobs(deps), reconcileRunningScrapeRuns(deps), reconcileRunningCrmSyncRuns(deps)]),
      'the job rows check',
    );
    const details = { permit_pull_jobs: count(permits), scrape_runs: count(scrapes), crm_sync_runs: count(crm) };
    const kinds = Object.entries(details);
    const total = (field: keyof Counts) => kinds.reduce((sum, [, counts]) => sum + counts[field], 0);
    const naming = (field: keyof Counts) => kinds.filter(([, counts]) => counts[field] > 0).map(([kind, counts]) => `${kind} ${counts[field]}`).join(', ');
    if (total('unchecked') > 0) {
      return { status: 'unknown', priority: 'medium', message: `could not check ${total('unchecked')} running jobs against Temporal (${naming('unchecked')})`, details };
    }
    if (total('reconciled') > 0) {
      const message = `${total('reconciled')} job rows still said running after their workflow had ended; their real end is recorded now (${naming('reconciled')})`;
      return { status: 'degraded', priority: 'medium', message, details };
    }
    return { status: 'healthy', priority: 'medium', message: `${total('running')} jobs running, each with its workflow`, details };
  } catch (error) {
    return { status: 'unknown', priority: 'medium', message: `could not check the job rows: ${error instanceof Error ? error.message : String(error)}` };
  }
}
