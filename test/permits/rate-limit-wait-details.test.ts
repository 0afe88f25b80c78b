import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accelaAgencyLimitKey } from '../../clients/accela/connections';
import { loadSettings } from '../../config/settings';
import { SharedRateLimits } from '../../platform/shared-rate-limits';
import { startPermitPull } from '../../services/permits/pull-jobs';
import { startAccelaSimulator } from '../../simulators/accela/server';
import { incrementalScheduleId, permitYearWorkflowId } from '../../workflows/permits/ids';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { insertCounty, jobRow, useDistinctCountyIds, waitForJobEnd } from './permit-test-support';

/** The query the Web UI sends for a run's current details. */
const WORKFLOW_METADATA_QUERY = '__temporal_workflow_metadata';
const YEARS = 5;

describe('a pull waiting for its rate limit says so in the Web UI (real Temporal, PostgreSQL, simulator)', () => {
  let database: TestDatabase;
  let temporal: Awaited<ReturnType<typeof connectTestTemporal>>;
  let workers: TestWorkers;
  let sim: Awaited<ReturnType<typeof startAccelaSimulator>>;
  const queues = uniqueQueues('permits-wait');
  let countyId = 0;
  const env = { ACCELA_PAGE_LIMIT: '20', ACCELA_WINDOW_DAYS: '366', ACCELA_YEAR_CONCURRENCY: '1', CRM_AUTO_SYNC: 'false', ACCELA_RATE_LIMIT_WINDOW_SECONDS: '60' };

  before(async () => {
    sim = await startAccelaSimulator({ seed: 'wait', permitsPerAgency: 3000, latencyMs: 50, rateLimit: { limit: 10_000, windowSeconds: 60 } });
    Object.assign(env, { ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url });
    database = await createTestDatabase('permits_wait');
    await useDistinctCountyIds(database.db);
    temporal = await connectTestTemporal();
    workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
  });
  after(async () => {
    if (countyId) await temporal?.client.schedule.getHandle(incrementalScheduleId(countyId)).delete().catch(() => undefined);
    await workers?.stop();
    await temporal?.teardown();
    await database?.drop();
    await sim?.close();
  });

  it('shows "waiting N s for the Accela rate-limit window" while another process holds the agency’s limit', async () => {
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
