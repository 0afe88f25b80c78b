import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import pLimit from 'p-limit';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createPermitActivities, type PermitPagesResult } from '../activities/permits/pull-activities';
import { loadSettings, workerNodeOptions } from '../config/settings';
import { firstCursor, historicalYears, yearRange } from '../domain/permits/pull-cursor';
import { BrowserProvider } from '../platform/browser';
import { type Database } from '../platform/database';
import { generateEncryptionKey, SecretBox } from '../platform/encryption';
import { taskQueues } from '../platform/task-queues';
import { waitForPollers } from '../scripts/wait-for-pollers';
import { startPermitPull } from '../services/permits/pull-jobs';
import { SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';
import { ensureRunningJob } from '../stores/permits/job-store';
import { insertCounty, waitForJobEnd } from '../test/permits/permit-test-support';
import { createTestDatabase, requireEnv, type TestDatabase } from '../test/support/database';
import { connectTestTemporal } from '../test/support/temporal';
import { permitPullWorkflowId } from '../workflows/permits/ids';
import { accelaBenchSimulator, PULL_BENCH_AGENCY as AGENCY, PULL_BENCH_LATENCY_MS as LATENCY_MS, PULL_BENCH_YEARS as YEARS, round, startWorkerProcess, stopProcess, yearHistoryEvents } from './permit-pull-bench';
import { findProcess, processTreeCpuSeconds, residentMemoryMb } from './process-cpu';
import { reportBenchmark } from './results-file';
import { startSimulatorProcess } from './simulator-child';

/**
 * A 30-year historical pull of BENCH_PERMITS permits (default 100,000; every one a mechanical permit, so all
 * are pulled) from the simulator at 20 ms per request, the simulator and the workers each in a process of
 * their own (the workers as production runs them: workers/main.ts on the prebuilt bundle). In the same run:
 * (a) PostgreSQL COPY of the same permit rows into a table with a primary key, one index and the JSONB (the
 * bound); (b) the same page activities in a plain loop without Temporal, same years in flight (Temporal's
 * overhead); (c) permits per CPU-second of Prospector's processes (workers, PostgreSQL, Temporal), the
 * simulator's CPU apart. Also API requests per 1,000 permits, history events per year and worker RSS.
 */
const PERMITS = Number(process.env.BENCH_PERMITS ?? 100_000);

async function main() {
  const sim = await startSimulatorProcess(accelaBenchSimulator(PERMITS));
  const encryptionKey = generateEncryptionKey();
  const env = { ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url, CRM_AUTO_SYNC: 'false', LOG_LEVEL: 'warn', ENCRYPTION_KEY: encryptionKey };
  const settings = loadSettings({ ...process.env, ...env });
  const secrets = SecretBox.fromBase64(encryptionKey);
  const database = await createTestDatabase('bench_permits');
  const loopDatabase = await createTestDatabase('bench_permits_loop');
  const temporal = await connectTestTemporal();
  const queues = taskQueues(`bench-permits-${process.pid}`);
  const workers = startWorkerProcess({ ...env, DATABASE_URL: database.url, TASK_QUEUE_PREFIX: `bench-permits-${process.pid}`, WORKER_ROLES: 'workflows,http' }, workerNodeOptions(settings));
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-permits-'));
  try {
    await waitForPollers(temporal.client, 'default', { ...queues, browser: queues.http }, 180_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idle = residentMemoryMb(workers.pid!);
    const countyId = await insertCounty(database.db, secrets, { credentials: SANDBOX_ACCELA_CREDENTIALS }, AGENCY);

    // End to end through Temporal.
    const prospectorPids = prospectorProcesses(await postmasterPid(database.db), workers.pid!);
    const cpuBefore = cpuSeconds(prospectorPids);
    const simCpuBefore = processTreeCpuSeconds(sim.pid);
    const before = await sim.stats();
    const started = performance.now();
    const { id: jobId } = await startPermitPull({ db: database.db, temporal: temporal.client, queues, settings }, countyId, { jobType: 'initial_pull', years: YEARS });
    const job = await waitForJobEnd(database.db, jobId, 30 * 60_000);
    const wallS = (performance.now() - started) / 1000;
    const cpu = subtract(cpuSeconds(prospectorPids), cpuBefore);
    const simCpuS = processTreeCpuSeconds(sim.pid) - simCpuBefore;
    const after = await sim.stats();
    const peakRssMb = residentMemoryMb(workers.pid!).peak;
    if (job.status !== 'completed') throw new Error(`pull ended ${job.status}: ${job.error_message}`);
    await expectPermits(database.db, countyId);
    const apiRequests = after.apiRequests - before.apiRequests;
    const tokenRequests = after.tokenRequests - before.tokenRequests;
    const yearEvents = await yearHistoryEvents(temporal.client, countyId, jobId, YEARS);
    const parentEvents = (await temporal.client.workflow.getHandle(permitPullWorkflowId(countyId)).fetchHistory()).events?.length ?? 0;

    // (b) The same activities in a plain loop, into a database of its own.
    const loop = await plainLoop(loopDatabase, settings, secrets);
    // (a) COPY of the same rows: the most PostgreSQL ingests on this machine.
    const copy = await copyBound(database.db, countyId, path.join(scratch, 'permits.copy'));

    const permitsPerSecond = PERMITS / wallS;
    const loopPermitsPerSecond = PERMITS / loop.wallS;
    const overheadPercent = (wallS / loop.wallS - 1) * 100;
    const prospectorCpuS = cpu.workers + cpu.postgres + cpu.temporal;
    const permitsPerCpuSecond = PERMITS / prospectorCpuS;
    const requestsPer1000 = ((apiRequests + tokenRequests) / PERMITS) * 1000;
    const maxYearEvents = Math.max(...yearEvents);
    reportBenchmark(
      'permits',
      {
        setup: {
          permits: PERMITS, years: YEARS, simulator_latency_ms: LATENCY_MS, page_limit: settings.ACCELA_PAGE_LIMIT, window_days: settings.ACCELA_WINDOW_DAYS,
          year_concurrency: settings.ACCELA_YEAR_CONCURRENCY, pages_per_activity: settings.ACCELA_PAGES_PER_ACTIVITY, enrich_batch: settings.ACCELA_ENRICH_BATCH_SIZE,
          enrich_concurrency: settings.ACCELA_ENRICH_CONCURRENCY, worker_node_options: workerNodeOptions(settings), max_cached_workflows: settings.WORKER_MAX_CACHED_WORKFLOWS,
        },
        wall_seconds: round(wallS),
        permits_per_second: round(permitsPerSecond),
        copy_bound: { seconds: round(copy.seconds), records_per_second: round(PERMITS / copy.seconds), bytes: copy.bytes },
        plain_loop: { wall_seconds: round(loop.wallS), permits_per_second: round(loopPermitsPerSecond) },
        temporal_overhead_percent: round(overheadPercent),
        cpu_seconds: { workers: round(cpu.workers), postgres: round(cpu.postgres), temporal: round(cpu.temporal), simulator: round(simCpuS) },
        permits_per_cpu_second: round(permitsPerCpuSecond),
        api_requests: { list: after.listRequests - before.listRequests, enrich: after.enrichRequests - before.enrichRequests, token: tokenRequests, total: apiRequests + tokenRequests },
        requests_per_1000_permits: round(requestsPer1000),
        history_events_per_year: { min: Math.min(...yearEvents), max: maxYearEvents, mean: round(yearEvents.reduce((a, b) => a + b, 0) / yearEvents.length) },
        parent_history_events: parentEvents,
        worker_rss_idle_mb: round(idle.rss),
        worker_rss_peak_mb: round(peakRssMb),
      },
      [
        { figure: 'permit ingest end to end', value: round(permitsPerSecond), unit: 'permits/s', target: { op: '>=', value: 5_000 }, reference: { name: 'PostgreSQL COPY', value: round(PERMITS / copy.seconds) } },
        { figure: 'Temporal overhead over a plain loop', value: round(overheadPercent), unit: '%', target: { op: '<=', value: 10 }, reference: { name: 'plain loop permits/s', value: round(loopPermitsPerSecond) } },
        { figure: 'permits per CPU-second (workers, PostgreSQL, Temporal)', value: round(permitsPerCpuSecond), unit: 'permits/CPU-s', reference: { name: 'simulator CPU-s', value: round(simCpuS) } },
        { figure: 'API requests per 1,000 permits', value: round(requestsPer1000), unit: '', target: { op: '<=', value: 22 } },
        { figure: 'history events per year workflow (max)', value: maxYearEvents, unit: 'events', target: { op: '<=', value: 50 } },
        { figure: 'worker RSS idle', value: round(idle.rss), unit: 'MB', target: { op: '<=', value: 200 } },
        { figure: 'worker RSS peak', value: round(peakRssMb), unit: 'MB', target: { op: '<=', value: 300 } },
      ],
    );
  } finally {
    await stopProcess(workers);
    await temporal.teardown();
    await database.drop();
    await loopDatabase.drop();
    await sim.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function expectPermits(db: Database, countyId: number) {
  const saved = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM permits WHERE county_id = $1`, [countyId]);
  if (saved.rows[0]!.n !== PERMITS) throw new Error(`saved ${saved.rows[0]!.n} permits, expected ${PERMITS}`);
}

/** The page activities called directly (a mock activity context for their heartbeats), years as the workflow runs them. */
async function plainLoop(database: TestDatabase, settings: ReturnType<typeof loadSettings>, secrets: SecretBox) {
  const countyId = await insertCounty(database.db, secrets, { credentials: SANDBOX_ACCELA_CREDENTIALS }, AGENCY);
  const job = await ensureRunningJob(database.db, { countyId, workflowId: 'bench-plain-loop', jobType: 'initial_pull', parameters: {}, yearsTotal: YEARS });
  if (typeof job !== 'object') throw new Error(`no job for the plain loop: ${job}`);
  const activities = createPermitActivities({ settings, db: database.db, secrets, browsers: new BrowserProvider(settings.CHROMIUM_PATH) });
  const today = new Date().toISOString().slice(0, 10);
  const lanes = pLimit(settings.ACCELA_YEAR_CONCURRENCY);
  const started = performance.now();
  await Promise.all(
    historicalYears(Number(today.slice(0, 4)), YEARS).map((year) =>
      lanes(async () => {
        let cursor = firstCursor(yearRange(year, today), ['opened'], settings.ACCELA_WINDOW_DAYS);
        while (cursor) {
          const input = { countyId, jobId: job.jobId, cursor, progress: { year }, asOf: today };
          const result = (await new MockActivityEnvironment().run(activities.pullPermitPages, input)) as PermitPagesResult;
          cursor = result.nextCursor;
        }
      }),
    ),
  );
  const wallS = (performance.now() - started) / 1000;
  await expectPermits(database.db, countyId);
  return { wallS };
}

/** COPY of the pull's permit rows (exported to a file first) into a table with a primary key, one index and the JSONB. */
async function copyBound(db: Database, countyId: number, file: string) {
  const client = await db.connect();
  try {
    await pipeline(client.query(copyTo(`COPY (SELECT * FROM permits WHERE county_id = ${Number(countyId)}) TO STDOUT`)), createWriteStream(file));
    await client.query(`CREATE TABLE copy_bound (LIKE permits INCLUDING DEFAULTS)`);
    await client.query(`ALTER TABLE copy_bound ADD PRIMARY KEY (county_id, record_id)`);
    await client.query(`CREATE INDEX copy_bound_opened_idx ON copy_bound (county_id, opened_date DESC, id DESC)`);
    const started = performance.now();
    await pipeline(createReadStream(file), client.query(copyFrom(`COPY copy_bound FROM STDIN`)));
    const seconds = (performance.now() - started) / 1000;
    const bytes = (await readFile(file)).length;
    await client.query(`DROP TABLE copy_bound`);
    return { seconds, bytes };
  } finally {
    client.release();
  }
}

async function postmasterPid(db: Database): Promise<number> {
  const { rows } = await db.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'data_directory'`);
  return Number((await readFile(path.join(rows[0]!.setting, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

/** Prospector's own processes: the worker process, the PostgreSQL server (all backends), the Temporal server. */
function prospectorProcesses(postgres: number, workers: number) {
  const port = requireEnv('TEMPORAL_ADDRESS').split(':').at(-1)!;
  const temporal = findProcess(['start-dev', `--port ${port}`]);
  if (temporal === null) throw new Error(`no Temporal dev server process on port ${port} found`);
  return { workers, postgres, temporal };
}

function cpuSeconds(pids: { workers: number; postgres: number; temporal: number }) {
  return { workers: processTreeCpuSeconds(pids.workers), postgres: processTreeCpuSeconds(pids.postgres), temporal: processTreeCpuSeconds(pids.temporal) };
}

function subtract(a: ReturnType<typeof cpuSeconds>, b: ReturnType<typeof cpuSeconds>) {
  return { workers: a.workers - b.workers, postgres: a.postgres - b.postgres, temporal: a.temporal - b.temporal };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
