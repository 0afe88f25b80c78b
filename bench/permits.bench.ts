import { startPermitPull } from '../services/permits/pull-jobs';
import { loadSettings } from '../config/settings';
import { createTestDatabase } from '../test/support/database';
import { connectTestTemporal, startTestWorkers, uniqueQueues } from '../test/support/temporal';
import { insertCounty, waitForJobEnd } from '../test/permits/permit-test-support';
import { permitPullWorkflowId, permitYearWorkflowId } from '../workflows/permits/ids';
import { startSimulatorProcess } from './accela-simulator-child';
import { reportBenchmark } from './results-file';
import { SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';

/**
 * A 30-year historical pull of BENCH_PERMITS permits (default 100,000; every one a mechanical permit, so
 * all are pulled) from the simulator at 20 ms per request: end-to-end permits per second, API requests
 * per 1,000 permits, Temporal history events per year workflow, peak RSS of the process running the
 * workers (the simulator runs in a child process of its own).
 */
const PERMITS = Number(process.env.BENCH_PERMITS ?? 100_000);
const LATENCY_MS = 20;
const YEARS = 30;
const AGENCY = 'BENCH';

async function main() {
  const sim = await startSimulatorProcess({ agency: AGENCY, seed: 'bench', permitsPerAgency: PERMITS, mechanicalShare: 1, latencyMs: LATENCY_MS, rateLimit: { limit: 1_000_000, windowSeconds: 3600 } });
  const env = { ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url, CRM_AUTO_SYNC: 'false', LOG_LEVEL: 'warn' };
  const settings = loadSettings({ ...process.env, ...env });
  const database = await createTestDatabase('bench_permits');
  const temporal = await connectTestTemporal();
  const queues = uniqueQueues('bench-permits');
  const workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const countyId = await insertCounty(database.db, workers.secrets, { credentials: SANDBOX_ACCELA_CREDENTIALS }, AGENCY);
    const before = await sim.stats();
    const baselineRss = process.memoryUsage().rss;
    peakRss = baselineRss;
    const started = performance.now();
    const { id: jobId } = await startPermitPull({ db: database.db, temporal: temporal.client, queues, settings }, countyId, { jobType: 'initial_pull', years: YEARS });
    const job = await waitForJobEnd(database.db, jobId, 30 * 60_000);
    const wallS = (performance.now() - started) / 1000;
    if (job.status !== 'completed') throw new Error(`pull ended ${job.status}: ${job.error_message}`);
    const saved = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM permits WHERE county_id = $1`, [countyId]);
    if (saved.rows[0]!.n !== PERMITS) throw new Error(`saved ${saved.rows[0]!.n} permits, expected ${PERMITS}`);
    const after = await sim.stats();
    const apiRequests = after.apiRequests - before.apiRequests;
    const tokenRequests = after.tokenRequests - before.tokenRequests;

    const currentYear = new Date().getUTCFullYear();
    const yearEvents: number[] = [];
    for (let year = currentYear - YEARS + 1; year <= currentYear; year++) {
      const history = await temporal.client.workflow.getHandle(permitYearWorkflowId(countyId, jobId, year)).fetchHistory();
      yearEvents.push(history.events?.length ?? 0);
    }
    const parentEvents = (await temporal.client.workflow.getHandle(permitPullWorkflowId(countyId)).fetchHistory()).events?.length ?? 0;
    const permitsPerSecond = PERMITS / wallS;
    const requestsPer1000 = ((apiRequests + tokenRequests) / PERMITS) * 1000;
    const peakRssMb = peakRss / 1024 / 1024;
    reportBenchmark('permits', {
      setup: {
        permits: PERMITS, years: YEARS, simulator_latency_ms: LATENCY_MS, page_limit: settings.ACCELA_PAGE_LIMIT, window_days: settings.ACCELA_WINDOW_DAYS,
        year_concurrency: settings.ACCELA_YEAR_CONCURRENCY, enrich_batch: settings.ACCELA_ENRICH_BATCH_SIZE, enrich_concurrency: settings.ACCELA_ENRICH_CONCURRENCY,
      },
      wall_seconds: round(wallS),
      permits_per_second: round(permitsPerSecond),
      api_requests: { list: after.listRequests - before.listRequests, enrich: after.enrichRequests - before.enrichRequests, token: tokenRequests, total: apiRequests + tokenRequests },
      requests_per_1000_permits: round(requestsPer1000),
      history_events_per_year: { min: Math.min(...yearEvents), max: Math.max(...yearEvents), mean: round(yearEvents.reduce((a, b) => a + b, 0) / yearEvents.length) },
      parent_history_events: parentEvents,
      peak_worker_rss_mb: round(peakRssMb),
      worker_rss_before_pull_mb: round(baselineRss / 1024 / 1024),
      targets: {
        permits_per_second_at_least_1500: permitsPerSecond >= 1500,
        requests_per_1000_at_most_30: requestsPer1000 <= 30,
        peak_rss_under_400_mb: peakRssMb < 400,
        no_history_over_10000_events: Math.max(parentEvents, ...yearEvents) <= 10_000,
      },
    });
  } finally {
    clearInterval(sampler);
    await workers.stop();
    await temporal.teardown();
    await database.drop();
    await sim.close();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
