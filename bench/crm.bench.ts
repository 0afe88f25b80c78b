import os from 'node:os';
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
 * simulator at 50 ms per call under HighLevel's real limit of 100 requests per 10 s, with 5% of the
 * requests answered 429 and 2% answered 500 at random (seeded). Figures: wall time against the
 * rate-limit bound (requests, the refused ones included, ÷ 10 per second), requests per new lead,
 * the 429s and 500s met, the busiest window the simulator saw and the machine's load; then a
 * re-run, which must send nothing.
 */
const LEADS = 1000;
const LATENCY_MS = 50;
const RATE_MAX = 100;
const RATE_INTERVAL_MS = 10_000;
const FAULT_RATES = { 429: 0.05, 500: 0.02 };

async function main() {
  const simulator = await startHighLevelSimulator({
    host: '127.0.0.1',
    port: await freePort(),
    latencyMs: LATENCY_MS,
    rateLimitMax: RATE_MAX,
    rateLimitIntervalMs: RATE_INTERVAL_MS,
    faultRates: FAULT_RATES,
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

    const loadBefore = os.loadavg()[0]!;
    const started = performance.now();
    const progress = await run();
    const wallS = (performance.now() - started) / 1000;
    const loadAfter = os.loadavg()[0]!;
    const requests = simulator.requests.length;
    const answered = (status: number) => simulator.requests.filter((request) => request.status === status).length;
    if (simulator.contacts().length !== leads.people) throw new Error(`${simulator.contacts().length} contacts for ${leads.people} people`);
    if (progress.created !== leads.people || progress.failed !== 0) throw new Error(`unexpected outcome ${JSON.stringify(progress)}`);

    const rerunStarted = performance.now();
    const rerun = await run();
    const rerunS = (performance.now() - rerunStarted) / 1000;
    const rerunRequests = simulator.requests.length - requests;

    const boundS = requests / (RATE_MAX / (RATE_INTERVAL_MS / 1000));
    // The same bound without the refused requests: what the leads alone would need.
    const answeredBoundS = (requests - answered(429) - answered(500)) / (RATE_MAX / (RATE_INTERVAL_MS / 1000));
    console.log(`wall ${wallS.toFixed(1)} s against a rate-limit bound of ${boundS.toFixed(1)} s (${(wallS / boundS).toFixed(3)} ×, target ≤ 1.3 ×); load ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${os.cpus().length} cores`);
    reportBenchmark('crm', {
      leads: LEADS,
      skipped_without_contact_details: progress.skipped,
      contacts_created: progress.created,
      simulator_latency_ms: LATENCY_MS,
      rate_limit: `${RATE_MAX} per ${RATE_INTERVAL_MS / 1000} s`,
      injected_fault_rates: '5% 429, 2% 500',
      requests,
      requests_per_new_lead: Number((requests / progress.created).toFixed(3)),
      target_requests_per_new_lead: 3,
      wall_s: Number(wallS.toFixed(1)),
      rate_limit_bound_s: Number(boundS.toFixed(1)),
      wall_over_bound: Number((wallS / boundS).toFixed(3)),
      rate_limit_bound_without_refused_s: Number(answeredBoundS.toFixed(1)),
      wall_over_bound_without_refused: Number((wallS / answeredBoundS).toFixed(3)),
      target_wall_over_bound: 1.3,
      leads_per_s: Number((LEADS / wallS).toFixed(2)),
      responses_429: answered(429),
      responses_429_from_the_limit: simulator.rateLimited(),
      responses_500: answered(500),
      busiest_window_requests: simulator.peakRequestsInWindow(),
      rerun_processed: rerun.processed,
      rerun_requests: rerunRequests,
      rerun_s: Number(rerunS.toFixed(2)),
      load_average_1m_before: Number(loadBefore.toFixed(2)),
      load_average_1m_after: Number(loadAfter.toFixed(2)),
      cpus: os.cpus().length,
    }, [
      { figure: 'CRM sync wall time', value: wallS, unit: 's', target: { op: '<=', value: boundS * 1.3 }, reference: { name: 'rate-limit bound', value: boundS } },
      { figure: 'CRM requests per new lead', value: requests / progress.created, unit: '', target: { op: '<=', value: 3 } },
    ]);
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
