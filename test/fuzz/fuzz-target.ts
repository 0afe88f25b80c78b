import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { createDealActivities } from '../../activities/listings/deal-activities';
import { loadSettings } from '../../config/settings';
import { leaseExpiryWindow } from '../../domain/registrations/windows';
import type { TaskQueues } from '../../platform/task-queues';
import { ensureSearchAttributes } from '../../platform/temporal-server';
import { ensureAllSchedules } from '../../schedules/registry';
import { parseReportRequest } from '../../services/registrations/report-request';
import { startReportJob } from '../../services/registrations/report-jobs';
import { SANDBOX_ACCELA_CREDENTIALS, startAccelaSimulator } from '../../simulators/accela/server';
import { startCepikSimulator } from '../../simulators/cepik/server';
import { startHighLevelSimulator } from '../../simulators/highlevel/server';
import { finishScrapeRun, openScrapeRun } from '../../stores/listings/scrape-runs';
import { finishJob, insertPendingJob } from '../../stores/permits/job-store';
import { saveCompletedReport } from '../../stores/registrations/report-repository';
import { leaseExpiryWorkflowId } from '../../workflows/registrations/ids';
import { createTestApi, TEST_API_KEY } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

/** Advert ids of the seeded deals; the fuzz configuration offers them as `/api/deals/{id}` values. */
export const SEEDED_ADVERT_IDS = ['202401010000001', '202401010000002', '202401010000003'];
/** A lease-expiry pull waiting for a worker, the fuzz configuration's `/api/registrations/jobs/{id}` value. */
export const SEEDED_REPORT_WINDOW = { from: '2020-01-01', to: '2020-02-29' };

export interface FuzzTarget {
  /** Base URL of the API, served over a real socket. */
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/**
 * The real API, as `npm start` wires it, for a fuzzer to call over HTTP: a database and a Temporal
 * namespace of its own (workflow ids such as `autotrader-scrape:ford:fiesta` are business ids, so
 * runs the fuzzer starts must not meet other test files' runs), the external sources pointed at their
 * simulators, and a little data so that requests by id find rows. No workers: the workflows the
 * fuzzer starts wait on their task queues until `close` terminates them.
 */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error) => console.error('fuzz target clean-up:', error));
  };
  try {
    closers.push(fenceFetchToLoopback());
    const temporal = await connectTestTemporal();
    closers.push(() => temporal.teardown());
    const namespace = await createNamespace(temporal.connection);
    closers.push(() => dropNamespace(temporal.connection, namespace));
    const client = new Client({ connection: temporal.connection, namespace });

    const database = await createTestDatabase('fuzz');
    closers.push(() => database.drop());

    const accela = await startAccelaSimulator({ host: '127.0.0.1', port: 0 });
    closers.push(() => accela.close());
    const cepik = await startCepikSimulator({ host: '127.0.0.1', port: 0 });
    closers.push(() => cepik.close());
    const highlevel = await startHighLevelSimulator({ host: '127.0.0.1', port: 0 });
    closers.push(() => highlevel.close());

    const env = {
      ACCELA_API_URL: accela.url,
      ACCELA_AUTH_URL: accela.url,
      CEPIK_BASE_URL: cepik.url,
      HIGHLEVEL_BASE_URL: highlevel.url,
      // No worker runs the pulls: a report not in the cache is answered 202 (poll the job) at once, not after 50 s.
      CEPIK_REPORT_WAIT_SECONDS: '0.01',
      // A made-up Socrata domain or layer URL on this machine (a closed port, another server) answers or fails fast.
      OPEN_DATA_TIMEOUT_MS: '2000',
    };
    const queues = uniqueQueues('fuzz');
    const api = createTestApi({ db: database.db, client, queues, env, namespace });
    await seed({ database, api, client, queues }, { highlevelToken: highlevel.token, highlevelLocation: highlevel.locationId });

    const server = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, apiKey: TEST_API_KEY, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * The connection test of a Socrata or ArcGIS source calls the domain or layer URL in the request, and the fuzzer
 * makes those up: in this process fetch reaches this machine's loopback only, and any other host fails as an
 * unreachable one would (no lookup, no packet). Returns the undo.
 */
function fenceFetchToLoopback(): () => Promise<void> {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!isLoopback(url.hostname)) return Promise.reject(new TypeError(`fetch failed: the fuzz target reaches loopback only, not ${url.host}`));
    return original(input, init);
  };
  return async () => {
    globalThis.fetch = original;
  };
}

type Connection = Awaited<ReturnType<typeof connectTestTemporal>>['connection'];

async function createNamespace(connection: Connection): Promise<string> {
  const namespace = `prospector-fuzz-${randomBytes(4).toString('hex')}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await ensureSearchAttributes(connection, namespace);
  return namespace;
}

/** Deletes the schedules, terminates every run the fuzzer started, then deletes the namespace. */
async function dropNamespace(connection: Connection, namespace: string): Promise<void> {
  const client = new Client({ connection, namespace });
  for await (const schedule of client.schedule.list()) await client.schedule.getHandle(schedule.scheduleId).delete();
  for await (const run of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    await client.workflow.getHandle(run.workflowId, run.runId).terminate('schema fuzz test finished');
  }
  await connection.operatorService.deleteNamespace({ namespace });
}

interface Seeding {
  database: TestDatabase;
  api: ReturnType<typeof createTestApi>;
  client: Client;
  queues: TaskQueues;
}

/**
 * What the values of the fuzz configuration point at: counties 1-6 (on the Accela simulator), county 1
 * with its schedule, job 1 (completed) and job 2 (waiting), permits 1-3 with their properties and leads, the
 * CRM configuration, deals with alerts, a finished scrape run, a report job waiting for a worker and
 * the cached report that the document's example asks for. Everything goes through the API or the
 * code the workers run, as in production; the API's start-up schedules too.
 */
async function seed({ database, api, client, queues }: Seeding, crm: { highlevelToken: string; highlevelLocation: string }) {
  const send = async (path: string, method: string, body: unknown, expected: number) => {
    const response = await api.json(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (response.status !== expected) throw new Error(`seeding ${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.data;
  };
  const addCounty = (agency: string) => send('/api/counties', 'POST', {
    name: `${agency} County`, agency_name: agency, environment: 'TEST', app_id: SANDBOX_ACCELA_CREDENTIALS.appId,
    app_secret: SANDBOX_ACCELA_CREDENTIALS.appSecret, username: SANDBOX_ACCELA_CREDENTIALS.username, password: SANDBOX_ACCELA_CREDENTIALS.password,
  }, 201);
  // Counties 2-6 have no pull yet, so the first one started on each is accepted (the fuzz configuration
  // gives 2-3 to one way of starting a pull, 4-6 to the other).
  const county = await addCounty('FUZZ1');
  for (const number of [2, 3, 4, 5, 6]) await addCounty(`FUZZ${number}`);
  // A historical pull that completed (as a worker would have recorded it) gives the county its weekly schedule.
  const historical = await insertPendingJob(database.db, county.id, 'initial_pull', { years: 1 }, `accela-pull:county-${county.id}:seeded`);
  await finishJob(database.db, historical!, 'completed', null);
  await ensureAllSchedules({ client, settings: api.settings, db: database.db, queues });
  await send(`/api/background-jobs/counties/${county.id}/jobs`, 'POST', { job_type: 'incremental_pull' }, 202);

  const { rows: permits } = await database.db.query<{ id: number }>(
    `INSERT INTO permits (county_id, record_id, is_hvac, opened_date, address, normalized_address, owner_name, raw)
     SELECT $1, 'FUZZ-' || n, true, DATE '2012-03-01' + n, n || ' FUZZ ST', n || ' FUZZ ST TAMPA 33601', 'Ada Owner', '{}'
       FROM generate_series(1, 3) AS n RETURNING id`,
    [county.id],
  );
  await send('/api/leads/create-from-permits', 'POST', { permit_ids: permits.map((permit) => permit.id) }, 200);
  await send('/api/summit/config', 'PUT', { api_token: crm.highlevelToken, location_id: crm.highlevelLocation }, 200);
  await seedDeals(database);
  await seedReports(database, client, queues, api.settings);
}

async function seedDeals(database: TestDatabase) {
  const workflowId = 'autotrader-scrape:ford:fiesta';
  const runId = await openScrapeRun(database.db, { make: 'Ford', model: 'Fiesta', workflowId, maxResults: null });
  // Enough cars for a valuation (at least 12 comparables besides the bargains), the bargains (first) spread over years and mileages.
  const car = (year: number, mileage: number) => ({ year, mileage, price: 17_000 - (2023 - year) * 1_200 - mileage / 20 });
  const bargains = [car(2019, 30_000), car(2021, 15_000), car(2022, 45_000)];
  const cars = [
    ...bargains,
    ...[2018, 2019, 2020, 2021, 2022, 2023]
      .flatMap((year) => [15_000, 30_000, 45_000].map((mileage) => car(year, mileage)))
      .filter((c) => !bargains.some((b) => b.year === c.year && b.mileage === c.mileage)),
  ];
  const advertIds = [...SEEDED_ADVERT_IDS, ...cars.slice(SEEDED_ADVERT_IDS.length).map((_, i) => `20240102${String(i).padStart(7, '0')}`)];
  // The first three are priced well under their peers: they become deals with alerts.
  const prices = cars.map((car, i) => Math.round(i < SEEDED_ADVERT_IDS.length ? car.price * 0.7 : car.price));
  await database.db.query(
    `INSERT INTO listings (advert_id, make, model, title, subtitle, year, mileage, price, seller_type, url, last_scrape_run_id)
     SELECT t.id, 'Ford', 'Fiesta', 'Ford Fiesta', '1.0 EcoBoost Titanium 5dr', t.year, t.mileage, t.price, 'trade', 'https://example.test/' || t.id, $5
       FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS t(id, year, mileage, price)`,
    [advertIds, cars.map((car) => car.year), cars.map((car) => car.mileage), prices, runId],
  );
  const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
  await createDealActivities({ db: database.db, settings }).analyseModelDeals({ runId, make: 'Ford', model: 'Fiesta' });
  await finishScrapeRun(database.db, { runId, status: 'succeeded', stopReason: 'last_page' });
}

/**
 * The report `GET /api/registrations/lease-expiry?region=24` (the document's example) finds cached, and
 * a pull of a fixed window that waits for a worker: a report job whose id the configuration knows.
 */
async function seedReports(database: TestDatabase, client: Client, queues: TaskQueues, settings: ReturnType<typeof createTestApi>['settings']) {
  const request = parseReportRequest({ region: '24' }, settings);
  const window = leaseExpiryWindow(new Date(), request.monthsBack, request.windowMonths);
  await saveCompletedReport(database.db, {
    pullRun: `fuzz-seed-${randomBytes(3).toString('hex')}`,
    workflowId: leaseExpiryWorkflowId(request.region.code, window, request.brands),
    region: { code: request.region.code, name: request.region.name },
    monthsBack: request.monthsBack,
    windowMonths: request.windowMonths,
    window,
    brands: request.brands,
  });
  await startReportJob({ temporal: client, queues, settings }, request, SEEDED_REPORT_WINDOW);
}
