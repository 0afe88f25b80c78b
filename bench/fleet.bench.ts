import os from 'node:os';
import { loadSettings } from '../config/settings';
import { startPermitPull } from '../services/permits/pull-jobs';
import { SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';
import { createTestDatabase } from '../test/support/database';
import { insertCounty } from '../test/permits/permit-test-support';
import { connectTestTemporal, startTestWorkers, uniqueQueues } from '../test/support/temporal';
import { waitFor } from '../test/support/wait-for';
import { startWorkerProcesses } from '../test/support/worker-processes';
import { startSimulatorProcess } from './simulator-child';
import { reportBenchmark } from './results-file';
import type { SummaryRow } from './summary-table';
import { mostInAnyWindow } from '../test/support/rate-windows';

/**
 * A fleet of counties at once (issue 11, item 2): BENCH_FLEET_AGENCIES agencies (default 30), each its
 * own Accela app with its own rate limit and 3,000–10,000 permits, every historical pull started
 * together, the HTTP queue served by separate worker processes (first 1, then 3) that share the
 * limits only through PostgreSQL. Reports the wall time against the slowest county's own rate-limit
 * bound (its requests ÷ its limit), the most requests any agency's window counted against its limit,
 * how evenly the counties progressed, the worker processes' memory, and the 1 → 3 process speed-up.
 */
const AGENCIES = Number(process.env.BENCH_FLEET_AGENCIES ?? 30);
const YEARS = Number(process.env.BENCH_FLEET_YEARS ?? 10);
const WINDOW_SECONDS = 10;
const PROCESS_COUNTS = (process.env.BENCH_FLEET_PROCESSES ?? '1,3').split(',').map(Number);
/** Page activities per worker process: a page waiting on its county's limit holds its slot. */
const HTTP_CONCURRENCY = 16;

interface Agency {
  name: string;
  appId: string;
  permits: number;
  /** Requests per WINDOW_SECONDS. */
  limit: number;
}

/** Spread evenly over 3,000–10,000 permits and 20–60 requests per 10 s, not in the same order. */
function fleet(): Agency[] {
  return Array.from({ length: AGENCIES }, (_, i) => {
    const share = AGENCIES === 1 ? 0 : i / (AGENCIES - 1);
    return {
      name: `FLEET${String(i + 1).padStart(2, '0')}`,
      appId: `fleet-app-${i + 1}`,
      permits: Math.round(3_000 + 7_000 * share),
      limit: 20 + Math.round((40 * ((i * 7) % AGENCIES)) / Math.max(1, AGENCIES - 1)),
    };
  });
}

async function runFleet(agencies: Agency[], httpProcesses: number) {
  const env = {
    ACCELA_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
    HTTP_ACTIVITY_CONCURRENCY: String(HTTP_CONCURRENCY),
    CRM_AUTO_SYNC: 'false',
    LOG_LEVEL: 'warn',
  };
  const sim = await startSimulatorProcess({
    platform: 'accela',
    options: {
      agency: agencies[0]!.name,
      seed: 'fleet',
      years: YEARS,
      mechanicalShare: 1,
      latencyMs: 20,
      permitsByAgency: Object.fromEntries(agencies.map((agency) => [agency.name, agency.permits])),
      apps: Object.fromEntries(agencies.map((agency) => [agency.appId, { appSecret: `${agency.appId}-secret`, rateLimit: { limit: agency.limit, windowSeconds: WINDOW_SECONDS } }])),
    },
  });
  const simEnv = { ...env, ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url };
  const settings = loadSettings({ ...process.env, ...simEnv });
  const database = await createTestDatabase(`bench_fleet_${httpProcesses}`);
  const temporal = await connectTestTemporal();
  const queues = uniqueQueues('bench-fleet');
  const workflowWorker = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows'], env: simEnv });
  const http = await startWorkerProcesses({
    count: httpProcesses,
    roles: 'http',
    taskQueuePrefix: queues.workflows.replace(/-workflows$/, ''),
    databaseUrl: database.url,
    db: database.db,
    env: simEnv,
  });
  try {
    const counties = new Map<number, Agency>();
    for (const agency of agencies) {
      const credentials = { ...SANDBOX_ACCELA_CREDENTIALS, appId: agency.appId, appSecret: `${agency.appId}-secret` };
      counties.set(await insertCounty(database.db, workflowWorker.secrets, { credentials }, agency.name), agency);
    }
    const started = performance.now();
    const jobs = await Promise.all(
      [...counties.keys()].map((countyId) => startPermitPull({ db: database.db, temporal: temporal.client, queues, settings }, countyId, { jobType: 'initial_pull', years: YEARS })),
    );
    // Each county's share of its own permits, sampled every 2 s, and when it finished.
    const samples: { atS: number; shares: number[] }[] = [];
    const finishedAtS = new Map<number, number>();
    await waitFor(
      'every fleet pull to end',
      async () => {
        const { rows } = await database.db.query<{ county_id: number; status: string; permits_pulled: number }>(
          `SELECT county_id, status, permits_pulled FROM permit_pull_jobs WHERE id = ANY($1)`,
          [jobs.map((job) => job.id)],
        );
        const atS = (performance.now() - started) / 1000;
        samples.push({ atS, shares: rows.map((row) => Math.min(1, row.permits_pulled / counties.get(row.county_id)!.permits)) });
        for (const row of rows) {
          if (row.status === 'failed' || row.status === 'cancelled') throw new Error(`county ${row.county_id} pull ${row.status}`);
          if (row.status === 'completed' && !finishedAtS.has(row.county_id)) finishedAtS.set(row.county_id, atS);
        }
        return finishedAtS.size === counties.size ? true : null;
      },
      { timeoutMs: 60 * 60_000, intervalMs: 2_000 },
    );
    const wallS = (performance.now() - started) / 1000;
    const saved = await database.db.query<{ county_id: number; n: number }>(`SELECT county_id, count(*)::int AS n FROM permits GROUP BY county_id`);
    for (const row of saved.rows) {
      if (row.n !== counties.get(row.county_id)!.permits) throw new Error(`county ${row.county_id}: ${row.n} permits saved, expected ${counties.get(row.county_id)!.permits}`);
    }

    const appStats = await sim.appStats();
    const perCounty = [...counties.entries()].map(([countyId, agency]) => {
      const stats = appStats.find((entry) => entry.appId === agency.appId)!;
      const boundS = (stats.requests * WINDOW_SECONDS) / agency.limit;
      return { countyId, agency, stats, boundS, finishedS: finishedAtS.get(countyId)!, mostInSlidingWindow: mostInAnyWindow(stats.arrivals, WINDOW_SECONDS * 1000) };
    });
    const slowest = perCounty.reduce((a, b) => (b.boundS > a.boundS ? b : a));
    const worstWindowShare = Math.max(...perCounty.map((county) => county.stats.maxRequestsInAWindow / county.agency.limit));
    const worstSlidingShare = Math.max(...perCounty.map((county) => county.mostInSlidingWindow / county.agency.limit));
    const finishOverBound = perCounty.map((county) => county.finishedS / county.boundS).sort((a, b) => a - b);
    const spreadAt = (fraction: number) => {
      const sample = samples.find((entry) => entry.atS >= wallS * fraction) ?? samples.at(-1)!;
      return { at_s: round(sample.atS), least_done: round(Math.min(...sample.shares)), most_done: round(Math.max(...sample.shares)) };
    };
    return {
      http_processes: httpProcesses,
      wall_s: round(wallS),
      slowest_bound_s: round(slowest.boundS),
      slowest_county: { agency: slowest.agency.name, permits: slowest.agency.permits, limit_per_10_s: slowest.agency.limit, requests: slowest.stats.requests },
      wall_over_slowest_bound: round(wallS / slowest.boundS),
      permits: perCounty.reduce((sum, county) => sum + county.agency.permits, 0),
      api_requests: perCounty.reduce((sum, county) => sum + county.stats.requests, 0),
      throttled_429: perCounty.reduce((sum, county) => sum + county.stats.throttled, 0),
      most_in_a_server_window_over_limit: round(worstWindowShare),
      most_in_any_sliding_window_over_limit: round(worstSlidingShare),
      finish_over_own_bound: { min: round(finishOverBound[0]!), median: round(finishOverBound[Math.floor(finishOverBound.length / 2)]!), max: round(finishOverBound.at(-1)!) },
      progress_spread: [0.25, 0.5, 0.75].map(spreadAt),
      worker_peak_rss_mb: http.peakRssMb().map(round),
    };
  } finally {
    await http.stop();
    await workflowWorker.stop();
    await temporal.teardown();
    await database.drop();
    await sim.close();
  }
}

async function main() {
  const agencies = fleet();
  const loadBefore = os.loadavg()[0]!;
  const runs = [];
  for (const count of PROCESS_COUNTS) {
    console.log(`fleet of ${agencies.length} agencies, ${count} HTTP worker process(es)…`);
    runs.push(await runFleet(agencies, count));
    console.log(JSON.stringify(runs.at(-1)));
  }
  const last = runs.at(-1)!;
  const single = runs.find((run) => run.http_processes === 1);
  const speedUp = single && last !== single ? single.wall_s / last.wall_s : null;
  const summary: SummaryRow[] = [
    { figure: `fleet wall time (${agencies.length} counties, ${last.http_processes} HTTP processes)`, value: last.wall_s, unit: 's', target: { op: '<=', value: round(last.slowest_bound_s * 1.2) }, reference: { name: 'slowest county rate-limit bound', value: last.slowest_bound_s } },
    { figure: 'fleet: most requests in one agency window / its limit', value: last.most_in_a_server_window_over_limit, unit: '', target: { op: '<=', value: 1 } },
    { figure: 'fleet: latest county finish / its own bound', value: last.finish_over_own_bound.max, unit: '', target: { op: '<=', value: 1.2 } },
    { figure: 'fleet: peak HTTP worker RSS', value: Math.max(...last.worker_peak_rss_mb), unit: 'MB', target: { op: '<=', value: 300 } },
  ];
  if (speedUp !== null) summary.push({ figure: `fleet: speed-up 1 → ${last.http_processes} HTTP processes`, value: round(speedUp), unit: '×', reference: { name: '1 process wall time (s)', value: single!.wall_s } });
  reportBenchmark('fleet', {
    setup: { agencies: agencies.length, years: YEARS, permits_per_agency: '3,000–10,000', limits_per_10_s: '20–60 per app and agency', simulator_latency_ms: 20, http_activity_concurrency: HTTP_CONCURRENCY },
    runs,
    speed_up_1_to_n: speedUp === null ? null : round(speedUp),
    load_average_1m_before: round(loadBefore),
    load_average_1m_after: round(os.loadavg()[0]!),
  }, summary);
}

const round = (value: number) => Math.round(value * 100) / 100;

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
