import { saveCrmConfig } from '../stores/crm/config';
import { startHighLevelSimulator } from '../simulators/highlevel/server';
import { freePort } from '../platform/free-port';
import { insertSyntheticLeads } from '../test/crm/synthetic-leads';
import { createTestDatabase } from '../test/support/database';
import { connectTestTemporal, startTestWorkers, uniqueQueues } from '../test/support/temporal';
import type { syncLeadsToCrmWorkflow } from '../workflows/crm/sync-leads';
import { PENDING_LEADS_SYNC_WORKFLOW_ID } from '../workflows/crm/workflow-ids';
import { reportBenchmark } from './results-file';

/**
 * 1,000 new leads (every 25th without contact details, so skipped) pushed to the HighLevel
 * simulator at 50 ms per call under HighLevel's real limit of 100 requests per 10 s. Figures: wall
 * time against the rate-limit bound (requests ÷ 10 per second), requests per new lead, 429s and the
 * busiest window the simulator saw; then a re-run, which must send nothing.
 */
const LEADS = 1000;
const LATENCY_MS = 50;
const RATE_MAX = 100;
const RATE_INTERVAL_MS = 10_000;

async function main() {
  const simulator = await startHighLevelSimulator({
    host: '127.0.0.1',
    port: await freePort(),
    latencyMs: LATENCY_MS,
    rateLimitMax: RATE_MAX,
    rateLimitIntervalMs: RATE_INTERVAL_MS,
  });
  const env = {
    HIGHLEVEL_BASE_URL: simulator.url,
    HIGHLEVEL_RATE_LIMIT_MAX: String(RATE_MAX),
    HIGHLEVEL_RATE_LIMIT_INTERVAL_MS: String(RATE_INTERVAL_MS),
    LOG_LEVEL: 'warn',
  };
  const database = await createTestDatabase('bench_crm');
  const temporal = await connectTestTemporal();
  const queues = uniqueQueues('bench-crm');
  const workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
  try {
    await saveCrmConfig(database.db, workers.secrets, { apiToken: simulator.token, locationId: simulator.locationId });
    const leads = await insertSyntheticLeads(database.db, LEADS, 0, 1);
    const run = () =>
      temporal.client.workflow.execute<typeof syncLeadsToCrmWorkflow>('syncLeadsToCrmWorkflow', {
        workflowId: PENDING_LEADS_SYNC_WORKFLOW_ID,
        taskQueue: queues.workflows,
        args: [{ leadIds: [] }],
      });

    const started = performance.now();
    const progress = await run();
    const wallS = (performance.now() - started) / 1000;
    const requests = simulator.requests.length;
    if (simulator.contacts().length !== leads.people) throw new Error(`${simulator.contacts().length} contacts for ${leads.people} people`);
    if (progress.created !== leads.people || progress.failed !== 0) throw new Error(`unexpected outcome ${JSON.stringify(progress)}`);

    const rerunStarted = performance.now();
    const rerun = await run();
    const rerunS = (performance.now() - rerunStarted) / 1000;
    const rerunRequests = simulator.requests.length - requests;

    const boundS = requests / (RATE_MAX / (RATE_INTERVAL_MS / 1000));
    reportBenchmark('crm', {
      leads: LEADS,
      skipped_without_contact_details: progress.skipped,
      contacts_created: progress.created,
      simulator_latency_ms: LATENCY_MS,
      rate_limit: `${RATE_MAX} per ${RATE_INTERVAL_MS / 1000} s`,
      requests,
      requests_per_new_lead: Number((requests / progress.created).toFixed(3)),
      target_requests_per_new_lead: 3,
      wall_s: Number(wallS.toFixed(1)),
      rate_limit_bound_s: Number(boundS.toFixed(1)),
      wall_over_bound: Number((wallS / boundS).toFixed(3)),
      target_wall_over_bound: 1.15,
      leads_per_s: Number((LEADS / wallS).toFixed(2)),
      responses_429: simulator.rateLimited(),
      busiest_window_requests: simulator.peakRequestsInWindow(),
      rerun_processed: rerun.processed,
      rerun_requests: rerunRequests,
      rerun_s: Number(rerunS.toFixed(2)),
    });
  } finally {
    await workers.stop();
    await temporal.teardown();
    await simulator.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
