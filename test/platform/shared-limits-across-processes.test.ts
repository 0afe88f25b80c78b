import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPermitPull } from '../../services/permits/pull-jobs';
import { loadSettings } from '../../config/settings';
import { type AccelaSimulator, SANDBOX_ACCELA_CREDENTIALS, startAccelaSimulator } from '../../simulators/accela/server';
import { type RunningCepikSimulator, startCepikSimulator } from '../../simulators/cepik/server';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertCounty, waitForJobEnd } from '../permits/permit-test-support';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { startWorkerProcesses, type WorkerProcesses } from '../support/worker-processes';
import { mostInAnyWindow } from '../support/rate-windows';

const ACCELA_LIMIT = 12;
const ACCELA_WINDOW_SECONDS = 2;
const CEPIK_SERVER_PER_SECOND = 4;

/**
 * Issue 11, item 3: the HTTP queue on three worker processes of their own (workers/main.ts), the limits
 * shared only through PostgreSQL. Each source is asked for far more than its limit allows, from all
 * three processes at once, and the simulators' own counts show no window over the limit. With the
 * per-process limiters of before, each process paced itself to the whole limit, so three processes
 * sent up to three times it (shown without processes in test/platform/rate-limit-bucket.test.ts).
 */
describe('rate limits hold across three HTTP worker processes (real Temporal, PostgreSQL, simulators)', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let workflowWorker: TestWorkers;
  let httpWorkers: WorkerProcesses;
  let accela: { url: string; simulator: AccelaSimulator; close(): Promise<void> };
  let cepik: RunningCepikSimulator;
  const queues = uniqueQueues('limits-processes');
  let env: Record<string, string>;

  before(async () => {
    accela = await startAccelaSimulator({
      seed: 'limits', years: 3, permitsPerAgency: 900, mechanicalShare: 1, latencyMs: 10,
      apps: { 'limits-app': { appSecret: 'limits-secret', rateLimit: { limit: ACCELA_LIMIT, windowSeconds: ACCELA_WINDOW_SECONDS } } },
    });
    cepik = await startCepikSimulator({ rateLimitPerSecond: CEPIK_SERVER_PER_SECOND, rateLimitedWaitSeconds: 1 });
    env = {
      ACCELA_API_URL: accela.url,
      ACCELA_AUTH_URL: accela.url,
      ACCELA_RATE_LIMIT_WINDOW_SECONDS: String(ACCELA_WINDOW_SECONDS),
      ACCELA_ENRICH_BATCH_SIZE: '25',
      CEPIK_BASE_URL: cepik.url,
      // The server's limit, as each process was told before: alone, each would use all of it.
      CEPIK_RATE_LIMIT_PER_SECOND: String(CEPIK_SERVER_PER_SECOND - 1),
      CEPIK_PAGE_SIZE: '25',
      CEPIK_PULL_MAX_ATTEMPTS: '20',
      CEPIK_REPORT_WAIT_SECONDS: '120',
      CRM_AUTO_SYNC: 'false',
    };
    database = await createTestDatabase('limits_processes');
    temporal = await connectTestTemporal();
    workflowWorker = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows'], env });
    httpWorkers = await startWorkerProcesses({ count: 3, roles: 'http', taskQueuePrefix: queues.workflows.replace(/-workflows$/, ''), databaseUrl: database.url, db: database.db, env });
  });
  after(async () => {
    await httpWorkers?.stop();
    await workflowWorker?.stop();
    await temporal?.teardown();
    await database?.drop();
    await accela?.close();
    await cepik?.close();
  });

  it('Accela: two counties of one app, each agency within its limit in every window, pages spread over the processes', async () => {
    const settings = loadSettings({ ...process.env, ...env });
    const credentials = { ...SANDBOX_ACCELA_CREDENTIALS, appId: 'limits-app', appSecret: 'limits-secret' };
    const countyIds = [
      await insertCounty(database.db, workflowWorker.secrets, { credentials }, 'LIMITS-NORTH'),
      await insertCounty(database.db, workflowWorker.secrets, { credentials }, 'LIMITS-SOUTH'),
    ];
    const jobs = await Promise.all(countyIds.map((id) => startPermitPull({ db: database.db, temporal: temporal.client, queues, settings }, id, { jobType: 'initial_pull', years: 3 })));
    for (const job of jobs) {
      const ended = await waitForJobEnd(database.db, job.id, 300_000);
      assert.equal(ended.status, 'completed', ended.error_message);
      assert.equal(ended.permits_saved, 900);
    }
    const perAgency = accela.simulator.appLimitStats();
    assert.equal(perAgency.length, 2);
    for (const agency of perAgency) {
      assert.equal(agency.throttled, 0, `${agency.agency}: no 429`);
      assert.ok(agency.maxRequestsInAWindow <= ACCELA_LIMIT, `${agency.agency}: ${agency.maxRequestsInAWindow} in one server window`);
      assert.ok(mostInAnyWindow(agency.arrivals, ACCELA_WINDOW_SECONDS * 1000) <= ACCELA_LIMIT, `${agency.agency}: within the limit in every sliding window`);
      // Enough requests that the limit mattered: several windows' worth.
      assert.ok(agency.requests > 3 * ACCELA_LIMIT, `${agency.agency}: ${agency.requests} requests`);
    }
    const { rows } = await database.db.query<{ key: string; requests_booked: number }>(`SELECT key, requests_booked FROM rate_limit_buckets WHERE key LIKE 'accela:agency:limits-app:%' ORDER BY key`);
    assert.deepEqual(rows.map((row) => row.key), ['accela:agency:limits-app:limits-north:test', 'accela:agency:limits-app:limits-south:test']);
  });

  it('CEPiK: a report of five brands paged by three processes never runs into the per-host limit', async () => {
    cepik.resetRequests();
    const api = createTestApi({ db: database.db, client: temporal.client, queues, env });
    const { status, body } = await api.json('/api/registrations/lease-expiry?region=24&brands=TESLA,BMW,AUDI,VOLVO,MERCEDES-BENZ');
    assert.equal(status, 200, JSON.stringify(body));
    assert.ok(cepik.requests.pagesServed >= 10, `pages served: ${cepik.requests.pagesServed}`);
    assert.equal(cepik.requests.byStatus[429] ?? 0, 0, 'no request refused by the per-host limit');
  });
});
