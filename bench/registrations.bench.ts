import { randomBytes } from 'node:crypto';
import { startCepikSimulator } from '../simulators/cepik/server';
import { createTestApi } from '../test/support/api';
import { createTestDatabase } from '../test/support/database';
import { connectTestTemporal, startTestWorkers, uniqueQueues } from '../test/support/temporal';
import type { cepikLeaseExpiryReportWorkflow, LeaseExpiryReportInput } from '../workflows/registrations/lease-expiry-report';
import { reportBenchmark } from './results-file';

/**
 * Five brands × 20,000 registrations in one window, simulator latency 100 ms and a 5 requests/s limit:
 * wall time of the report workflow against the rate-limit bound (requests ÷ rate) and against a
 * one-brand-after-another baseline, requests issued against the minimum, and cached report latency
 * through the API.
 */
const BRANDS = ['TESLA', 'BMW', 'MERCEDES-BENZ', 'AUDI', 'VOLVO'];
const PER_BRAND = 20_000;
const RATE = 5;
const LATENCY_MS = 100;
const PAGE_SIZE = 500;
// Two whole months with PER_BRAND / 2 registrations each: exactly PER_BRAND per brand in the window.
const WINDOW = { from: '2023-09-01', to: '2023-10-31' };
const CACHED_SAMPLES = 300;
const SLOW_LATENCY_MS = 600;
const SLOW_WINDOW = { from: '2023-09-01', to: '2023-09-06' };

async function main() {
  const sim = await startCepikSimulator({
    dataset: {
      monthlyVolumes: Object.fromEntries(BRANDS.map((brand) => [brand, PER_BRAND / 2])),
      monthlyUnbrandedVolume: 0,
      regionScale: { '24': 1 },
    },
    latencyMs: LATENCY_MS,
    rateLimitPerSecond: RATE,
  });
  const env = { CEPIK_BASE_URL: sim.url, CEPIK_RATE_LIMIT_PER_SECOND: String(RATE), CEPIK_PAGE_SIZE: String(PAGE_SIZE), LOG_LEVEL: 'warn' };
  const database = await createTestDatabase('bench_cepik');
  const temporal = await connectTestTemporal();
  const queues = uniqueQueues('bench-cepik');
  const workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
  try {
    for (const brand of BRANDS) {
      const truth = sim.countRegistrations({ region: '24', brand, ...WINDOW });
      if (truth !== PER_BRAND) throw new Error(`dataset gives ${truth} ${brand} registrations, expected ${PER_BRAND}`);
    }
    let runs = 0;
    const run = async (window: { from: string; to: string }, brandConcurrency: number) => {
      sim.resetRequests();
      const input: LeaseExpiryReportInput = {
        regionCode: '24', monthsBack: 36, windowMonths: 2, brands: BRANDS, window, brandConcurrency, maxAttempts: 10,
      };
      const expected = BRANDS.reduce((sum, brand) => sum + sim.countRegistrations({ region: '24', brand, ...window }), 0);
      const minimum = BRANDS.reduce((sum, brand) => sum + sim.minimumPages({ region: '24', brand, ...window }, PAGE_SIZE), 0);
      const started = performance.now();
      runs += 1;
      const result = await temporal.client.workflow.execute<typeof cepikLeaseExpiryReportWorkflow>('cepikLeaseExpiryReportWorkflow', {
        workflowId: `bench-cepik-${runs}-${randomBytes(3).toString('hex')}`,
        taskQueue: queues.workflows,
        args: [input],
      });
      const wallS = (performance.now() - started) / 1000;
      if (result.total !== expected) throw new Error(`report total ${result.total} ≠ ${expected}`);
      const requests = sim.requests.total;
      return { wallS: round(wallS), minimum, boundS: minimum / RATE, requests, wasted: requests - minimum, status429: sim.requests.byStatus[429] ?? 0 };
    };

    // Warm-up (worker start, JIT, pool connections) so neither measured run pays for it.
    await run({ from: '2023-09-01', to: '2023-09-01' }, BRANDS.length);
    const concurrent = await run(WINDOW, BRANDS.length);
    const sequential = await run(WINDOW, 1);
    const minimumRequests = concurrent.minimum;
    const rateLimitBoundS = concurrent.boundS;

    // A slow source (600 ms per answer, like the real API on a good day): one lane cannot keep the rate.
    sim.configure({ latencyMs: SLOW_LATENCY_MS });
    const slowConcurrent = await run(SLOW_WINDOW, BRANDS.length);
    const slowSequential = await run(SLOW_WINDOW, 1);
    sim.configure({ latencyMs: LATENCY_MS });

    const api = createTestApi({ db: database.db, client: temporal.client, queues, env });
    const path = `/api/registrations/lease-expiry?region=24&months_back=36&window_months=2&brands=${BRANDS.join(',')}`;
    sim.resetRequests();
    const latencies: number[] = [];
    for (let i = 0; i < CACHED_SAMPLES + 20; i += 1) {
      const started = performance.now();
      const response = await api.call(path);
      await response.json();
      if (response.status !== 200) throw new Error(`cached report answered ${response.status}`);
      if (i >= 20) latencies.push(performance.now() - started);
    }
    if (sim.requests.total !== 0) throw new Error('the cached report reached the source');
    latencies.sort((a, b) => a - b);
    const percentile = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 100) / 100;

    reportBenchmark('registrations', {
      setup: { brands: BRANDS.length, registrations_per_brand: PER_BRAND, page_size: PAGE_SIZE, simulator_latency_ms: LATENCY_MS, rate_limit_per_s: RATE },
      minimum_requests: minimumRequests,
      rate_limit_bound_s: rateLimitBoundS,
      concurrent: { ...concurrent, vs_rate_limit_bound: `${round((concurrent.wallS / rateLimitBoundS - 1) * 100)}%` },
      sequential_baseline: sequential,
      speedup_vs_sequential: round(sequential.wallS / concurrent.wallS),
      slow_source_600ms: {
        concurrent: slowConcurrent,
        sequential_baseline: slowSequential,
        speedup_vs_sequential: round(slowSequential.wallS / slowConcurrent.wallS),
      },
      cached_report_api_ms: { samples: latencies.length, p50: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99) },
      targets: { within_15_percent_of_bound: concurrent.wallS <= rateLimitBoundS * 1.15, zero_wasted_requests: concurrent.wasted === 0, cached_p50_under_5_ms: percentile(0.5) < 5 },
    }, [
      { figure: 'CEPiK report wall time', value: concurrent.wallS, unit: 's', target: { op: '<=', value: rateLimitBoundS * 1.15 }, reference: { name: 'rate-limit bound', value: rateLimitBoundS } },
      { figure: 'CEPiK wasted requests', value: concurrent.wasted, unit: '', target: { op: '<=', value: 0 } },
      { figure: 'cached report p50', value: percentile(0.5), unit: 'ms', target: { op: '<=', value: 5 } },
    ]);
  } finally {
    await workers.stop();
    await temporal.teardown();
    await database.drop();
    await sim.close();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
