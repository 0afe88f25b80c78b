import type { Client } from '@temporalio/client';
import { loadSettings, workerNodeOptions } from '../config/settings';
import { type Database } from '../platform/database';
import { generateEncryptionKey, SecretBox } from '../platform/encryption';
import { taskQueues } from '../platform/task-queues';
import { waitForPollers } from '../scripts/wait-for-pollers';
import { createCounty } from '../services/permits/counties';
import { startPermitPull } from '../services/permits/pull-jobs';
import { SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';
import { SIMULATED_ARCGIS_MAPPING } from '../simulators/arcgis/server';
import { SIMULATED_SOCRATA_MAPPING } from '../simulators/socrata/server';
import { insertCounty, waitForJobEnd } from '../test/permits/permit-test-support';
import { createTestDatabase } from '../test/support/database';
import { connectTestTemporal } from '../test/support/temporal';
import { openDataSummaryRows, type PullFigures, pullFigures } from './open-data-summary';
import { accelaBenchSimulator, PULL_BENCH_AGENCY, PULL_BENCH_LATENCY_MS, PULL_BENCH_YEARS as YEARS, startWorkerProcess, stopProcess, yearHistoryEvents } from './permit-pull-bench';
import { processTreeCpuSeconds, residentMemoryMb } from './process-cpu';
import { reportBenchmark } from './results-file';
import { type SimulatorSpec, startSimulatorProcess } from './simulator-child';

/**
 * Issue 13: a 30-year historical pull of BENCH_PERMITS permits (default 100,000) from the Socrata and the ArcGIS
 * simulator at 20 ms per request, each simulator in a process of its own and the workers in another
 * (workers/main.ts, roles `workflows,http`, a fresh process per pull so its RSS peak is that pull's), through
 * Temporal, timed from the pull's start to its job row's end. Each open-data platform is pulled twice: at its
 * default pacing (SOCRATA_/ARCGIS_REQUESTS_PER_SECOND) and unpaced (the limit set to UNPACED_REQUESTS_PER_SECOND),
 * since at 5 requests a second the pacing, not the stack, may bound the pull. The reference, in the same run: the
 * end-to-end part of `npm run bench permits` (its Accela simulator, same BENCH_PERMITS), without its COPY and
 * plain-loop references. Page size and windows are the defaults (OPEN_DATA_PAGE_LIMIT, ACCELA_WINDOW_DAYS).
 */
const PERMITS = Number(process.env.BENCH_PERMITS ?? 100_000);
const UNPACED_REQUESTS_PER_SECOND = 1_000;
const TIME_ZONE = 'America/New_York';

type Platform = SimulatorSpec['platform'];
interface PullRun { label: string; platform: Platform; unpaced: boolean }

const RUNS: readonly PullRun[] = [
  { label: 'accela', platform: 'accela', unpaced: false },
  { label: 'socrata', platform: 'socrata', unpaced: false },
  { label: 'socrata unpaced', platform: 'socrata', unpaced: true },
  { label: 'arcgis', platform: 'arcgis', unpaced: false },
  { label: 'arcgis unpaced', platform: 'arcgis', unpaced: true },
];

interface BenchContext {
  db: Database;
  databaseUrl: string;
  temporal: Client;
  encryptionKey: string;
}

async function main() {
  const encryptionKey = generateEncryptionKey();
  const database = await createTestDatabase('bench_open_data');
  const temporal = await connectTestTemporal();
  const context: BenchContext = { db: database.db, databaseUrl: database.url, temporal: temporal.client, encryptionKey };
  const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: encryptionKey });
  try {
    const results: PullFigures[] = [];
    for (const [index, run] of RUNS.entries()) {
      console.log(`--- ${run.label}: ${PERMITS} permits over ${YEARS} years`);
      results.push(await timedPull(context, run, index));
      console.log(JSON.stringify(results.at(-1)));
    }
    const [accela, ...openData] = results;
    reportBenchmark(
      'open-data',
      {
        setup: {
          permits: PERMITS, years: YEARS, simulator_latency_ms: PULL_BENCH_LATENCY_MS, open_data_page_limit: settings.OPEN_DATA_PAGE_LIMIT, arcgis_max_record_count: 1000,
          window_days: settings.ACCELA_WINDOW_DAYS, year_concurrency: settings.ACCELA_YEAR_CONCURRENCY, pages_per_activity: settings.ACCELA_PAGES_PER_ACTIVITY,
          socrata_requests_per_second: settings.SOCRATA_REQUESTS_PER_SECOND, arcgis_requests_per_second: settings.ARCGIS_REQUESTS_PER_SECOND,
          unpaced_requests_per_second: UNPACED_REQUESTS_PER_SECOND, worker_node_options: workerNodeOptions(settings),
          reference: 'accela: the end-to-end pull of bench/permits.bench.ts (same simulator setup, same BENCH_PERMITS), run first in this benchmark',
        },
        pulls: results,
      },
      openDataSummaryRows(accela!, openData),
    );
  } finally {
    await temporal.teardown();
    await database.drop();
  }
}

/** One pull: its simulator and a fresh worker process, a county for it, the pull timed to its job's end. */
async function timedPull(context: BenchContext, run: PullRun, index: number): Promise<PullFigures> {
  const fromYear = new Date().getUTCFullYear() - YEARS + 1;
  const sim = await startSimulatorProcess(simulatorSpec(run.platform, fromYear));
  const rateSetting = run.platform === 'socrata' ? 'SOCRATA_REQUESTS_PER_SECOND' : 'ARCGIS_REQUESTS_PER_SECOND';
  const prefix = `bench-open-data-${process.pid}-${index}`;
  const env: Record<string, string> = {
    CRM_AUTO_SYNC: 'false', LOG_LEVEL: 'warn', ENCRYPTION_KEY: context.encryptionKey, ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url,
    ...(run.unpaced ? { [rateSetting]: String(UNPACED_REQUESTS_PER_SECOND) } : {}),
  };
  const settings = loadSettings({ ...process.env, ...env });
  const queues = taskQueues(prefix);
  const workers = startWorkerProcess({ ...env, DATABASE_URL: context.databaseUrl, TASK_QUEUE_PREFIX: prefix, WORKER_ROLES: 'workflows,http' }, workerNodeOptions(settings));
  try {
    await waitForPollers(context.temporal, 'default', { ...queues, browser: queues.http }, 180_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idle = residentMemoryMb(workers.pid!);
    const countyId = await createBenchCounty(context, run, sim);
    const expected = await sim.truth();
    const workerCpuBefore = processTreeCpuSeconds(workers.pid!);
    const simulatorCpuBefore = processTreeCpuSeconds(sim.pid);
    const requestsBefore = await sim.requests();
    const started = performance.now();
    const { id: jobId } = await startPermitPull({ db: context.db, temporal: context.temporal, queues, settings }, countyId, { jobType: 'initial_pull', years: YEARS });
    const job = await waitForJobEnd(context.db, jobId, 60 * 60_000);
    const wallSeconds = (performance.now() - started) / 1000;
    const workerCpuSeconds = processTreeCpuSeconds(workers.pid!) - workerCpuBefore;
    const simulatorCpuSeconds = processTreeCpuSeconds(sim.pid) - simulatorCpuBefore;
    const requests = (await sim.requests()) - requestsBefore;
    const peak = residentMemoryMb(workers.pid!).peak;
    if (job.status !== 'completed') throw new Error(`${run.label} pull ended ${job.status}: ${job.error_message}`);
    const saved = await context.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM permits WHERE county_id = $1`, [countyId]);
    if (saved.rows[0]!.n !== expected) throw new Error(`${run.label}: saved ${saved.rows[0]!.n} permits, the simulator holds ${expected} through today`);
    return pullFigures({
      label: run.label, permits: expected, wallSeconds, requests, requestsPerSecond: run.platform === 'accela' ? null : settings[rateSetting],
      yearEvents: await yearHistoryEvents(context.temporal, countyId, jobId, YEARS), workerRssIdleMb: idle.rss, workerRssPeakMb: peak,
      workerCpuSeconds, simulatorCpuSeconds,
    });
  } finally {
    await stopProcess(workers);
    await sim.close();
  }
}

/** Every simulator at 20 ms per request, its permits spread over the pull's 30 years; no faults, no throttling. */
function simulatorSpec(platform: Platform, fromYear: number): SimulatorSpec {
  const openData = { permits: PERMITS, fromYear, toYear: fromYear + YEARS - 1, latencyMs: PULL_BENCH_LATENCY_MS };
  if (platform === 'socrata') return { platform, options: openData };
  if (platform === 'arcgis') return { platform, options: { ...openData, maxRecordCount: 1000 } };
  return accelaBenchSimulator(PERMITS);
}

async function createBenchCounty(context: BenchContext, run: PullRun, sim: { datasetId?: string; layerUrl?: string; url: string }): Promise<number> {
  const secrets = SecretBox.fromBase64(context.encryptionKey);
  if (run.platform === 'accela') return insertCounty(context.db, secrets, { credentials: SANDBOX_ACCELA_CREDENTIALS }, PULL_BENCH_AGENCY);
  const counties = { db: context.db, secrets, settings: loadSettings({ ...process.env, ENCRYPTION_KEY: context.encryptionKey }) };
  const name = `Bench ${run.label}`;
  const county = run.platform === 'socrata'
    ? await createCounty(counties, { platform: 'socrata', name, domain: sim.url, dataset_id: sim.datasetId!, field_mapping: SIMULATED_SOCRATA_MAPPING, source_token: null, time_zone: TIME_ZONE })
    : await createCounty(counties, { platform: 'arcgis', name, layer_url: sim.layerUrl!, field_mapping: SIMULATED_ARCGIS_MAPPING, source_token: null, time_zone: TIME_ZONE });
  return county.id;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
