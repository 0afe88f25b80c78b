import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accelaAgencyLimitKey } from '../../clients/accela/connections';
import { loadSettings } from '../../config/settings';
import { SharedRateLimits } from '../../platform/shared-rate-limits';
import { startPermitPull } from '../../services/permits/pull-jobs';
import { permitYearWorkflowId } from '../../workflows/permits/ids';
import { uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { insertCounty, jobRow, type PermitPullStack, startPermitPullStack, waitForJobEnd } from './permit-test-support';

/** The query the Web UI sends for a run's current details. */
const WORKFLOW_METADATA_QUERY = '__temporal_workflow_metadata';
const YEARS = 5;

describe('a pull waiting for its rate limit says so in the Web UI (real Temporal, PostgreSQL, simulator)', () => {
  let stack: PermitPullStack;
  const queues = uniqueQueues('permits-wait');
  let countyId = 0;

  before(async () => {
    stack = await startPermitPullStack({
      label: 'permits_wait',
      queues,
      simulator: { seed: 'wait', permitsPerAgency: 3000, latencyMs: 50, rateLimit: { limit: 10_000, windowSeconds: 60 } },
      env: { ACCELA_PAGE_LIMIT: '20', ACCELA_WINDOW_DAYS: '366', ACCELA_YEAR_CONCURRENCY: '1', CRM_AUTO_SYNC: 'false', ACCELA_RATE_LIMIT_WINDOW_SECONDS: '60' },
    });
  });
  after(async () => {
    await stack?.stop(countyId ? [countyId] : []);
  });

  it('shows "waiting N s for the Accela rate-limit window" while another process holds the agency’s limit', async () => {
    const { database, temporal, workers, sim, env } = stack;
    countyId = await insertCounty(database.db, workers.secrets, sim.simulator, 'WAITCO');
    const settings = loadSettings({ ...process.env, ...env });
    const { id: jobId } = await startPermitPull({ db: database.db, temporal: temporal.client, queues, settings }, countyId, { jobType: 'initial_pull', years: YEARS });
    await waitFor('a first page', async () => (await jobRow(database.db, jobId)).current_batch >= 1, { timeoutMs: 60_000 });
    // What a 429 seen by another worker process does: the agency's shared bucket is paused for every process.
    await new SharedRateLimits(database.db).pause(accelaAgencyLimitKey({ ...sim.simulator.credentials, agencyName: 'WAITCO', environment: 'TEST' }), 15_000);
    const years = Array.from({ length: YEARS }, (_, index) => new Date().getUTCFullYear() - index);
    const details = await waitFor('the year in flight to report the wait', async () => {
      for (const year of years) {
        const metadata = await temporal.client.workflow.getHandle(permitYearWorkflowId(countyId, jobId, year))
          .query<{ currentDetails?: string | null }>(WORKFLOW_METADATA_QUERY).catch(() => null);
        if (metadata?.currentDetails?.includes('waiting')) return metadata.currentDetails;
      }
      return null;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    assert.match(details, /Now: fetching page \d+: .*, waiting \d+ s for the Accela rate-limit window\./);
    const job = await waitForJobEnd(database.db, jobId, 120_000);
    assert.equal(job.status, 'completed', job.error_message);
  });
});
