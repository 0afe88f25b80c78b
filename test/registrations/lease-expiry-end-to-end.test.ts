import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { RegionAttribute, SourceAttribute } from '../../temporal/search-attributes';
import { type RunningCepikSimulator, startCepikSimulator } from '../../simulators/cepik/server';
import { cepikSandboxSeeder } from '../../sandbox/cepik';
import { ensureCepikSchedules } from '../../schedules/cepik';
import { createTestApi } from '../support/api';
import { recordHistory } from '../support/history-fixtures';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';

const BRANDS = ['TESLA', 'BMW', 'MERCEDES-BENZ', 'AUDI', 'VOLVO'];

/** The API's JSON answer; registration answers carry `meta` beside `data`. */
async function request(api: ReturnType<typeof createTestApi>, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  return api.json(path, init);
}

describe('lease-expiry reports end to end (real Temporal dev server, real PostgreSQL, CEPiK simulator)', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let workers: TestWorkers;
  let sim: RunningCepikSimulator;
  const queues = uniqueQueues('cepik');
  let env: Record<string, string>;
  let api: ReturnType<typeof createTestApi>;

  before(async () => {
    sim = await startCepikSimulator({ rateLimitPerSecond: 1_000, rateLimitedWaitSeconds: 1 });
    env = {
      CEPIK_BASE_URL: sim.url,
      CEPIK_RATE_LIMIT_PER_SECOND: '200',
      CEPIK_PAGE_SIZE: '50',
      CEPIK_EXHAUSTED_PAUSE_MS: '50',
      CEPIK_PULL_MAX_ATTEMPTS: '20',
      CEPIK_REPORT_WAIT_SECONDS: '60',
    };
    database = await createTestDatabase('cepik');
    temporal = await connectTestTemporal();
    workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
    api = createTestApi({ db: database.db, client: temporal.client, queues, env });
  });
  after(async () => {
    await workers?.stop();
    await temporal?.teardown();
    await database?.drop();
    await sim?.close();
  });

  const truthFor = (region: string, window: { from: string; to: string }, brands = BRANDS) =>
    Object.fromEntries(brands.map((brand) => [brand, sim.countRegistrations({ region, brand, ...window })]));
  const withTotal = (counts: Record<string, number>) => ({ ...counts, TOTAL: Object.values(counts).reduce((a, b) => a + b, 0) });

  it('counts exactly the simulator truth through the count glitch, overlapping pages, 429s, spurious 404s and cut-off bodies', async () => {
    sim.configure({ countGlitch: true, duplicateAcrossPages: true, faultEvery: { '429': 5, '404': 4, truncated: 7 } });
    sim.resetRequests();
    try {
      const { status, body } = await request(api, '/api/registrations/lease-expiry?region=%C5%9Bl%C4%85skie');
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.meta.stale, false);
      assert.deepEqual(body.meta.region, { code: '24', name: 'ŚLĄSKIE' });
      assert.deepEqual(body.data, withTotal(truthFor('24', body.meta.window)));
      assert.deepEqual(Object.keys(body.data), [...BRANDS, 'TOTAL'], 'brands in the order asked for');
      assert.ok(body.data.TOTAL > 250, `enough data for several pages per brand (${body.data.TOTAL})`);
      assert.ok(sim.requests.faultsInjected >= 3, `faults were injected (${sim.requests.faultsInjected})`);
      assert.ok((sim.requests.byStatus[429] ?? 0) > 0 && (sim.requests.byStatus[404] ?? 0) > 0);
      // Pages of 50 overlapping by one: a retry resumes at the failed page, so each page is served once.
      const pagesPerBrand = (n: number) => (n <= 50 ? 1 : 1 + Math.ceil((n - 50) / 49));
      const expectedPages = BRANDS.reduce((sum, brand) => sum + pagesPerBrand(sim.countRegistrations({ region: '24', brand, ...body.meta.window })), 0);
      assert.equal(sim.requests.pagesServed, expectedPages, 'no page fetched twice despite the faults');

      const stored = await database.db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE raw ? 'rok-produkcji')::int AS with_raw FROM vehicle_registrations
         WHERE voivodeship_code = '24' AND first_registration_date BETWEEN $1 AND $2`,
        [body.meta.window.from, body.meta.window.to],
      );
      assert.equal(stored.rows[0].n, body.data.TOTAL, 'each vehicle stored once');
      assert.equal(stored.rows[0].with_raw, body.data.TOTAL);

      const job = await request(api, `/api/registrations/jobs/${encodeURIComponent((await workflowIdOf(body.meta.report_id)) as string)}`);
      assert.equal(job.status, 200);
      assert.equal(job.body.data.status, 'COMPLETED');
      assert.deepEqual(job.body.data.counts, body.data);
      const handle = temporal.client.workflow.getHandle(job.body.data.job_id);
      await Worker.runReplayHistory({ workflowBundle: { codePath: requireEnv('WORKFLOW_BUNDLE_PATH') } }, await handle.fetchHistory(), job.body.data.job_id);
      await recordHistory(temporal.client, job.body.data.job_id, 'registrations-lease-expiry-report');
      const described = await handle.describe();
      assert.equal(described.typedSearchAttributes.get(SourceAttribute), 'cepik');
      assert.equal(described.typedSearchAttributes.get(RegionAttribute), '24');
    } finally {
      sim.configure({ countGlitch: false, duplicateAcrossPages: false, faultEvery: {} });
    }
  });

  it('keeps malformed records in the rejects table with the reason and counts only the valid ones', async () => {
    sim.configure({ malformedEvery: 10 });
    try {
      const { status, body } = await request(api, '/api/registrations/lease-expiry?region=30&brands=BMW,AUDI');
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body.data, withTotal(truthFor('30', body.meta.window, ['BMW', 'AUDI'])));
      const malformed = ['BMW', 'AUDI'].reduce((sum, brand) => sum + sim.countMalformed({ region: '30', brand, ...body.meta.window }), 0);
      assert.ok(malformed > 0);
      const rejects = await database.db.query(
        `SELECT external_id, reason, job_ref FROM rejected_records WHERE source = 'cepik' AND entity = 'vehicle_registration' AND job_ref LIKE 'cepik-lease-expiry:30:%'`,
      );
      assert.equal(rejects.rows.length, malformed);
      assert.match(rejects.rows[0].reason, /data-pierwszej-rejestracji-w-kraju/);
      assert.match(rejects.rows[0].external_id, /^\d{16}$/);
    } finally {
      sim.configure({ malformedEvery: 0 });
    }
  });

  it('serves a fresh cached report without calling the source; refresh=true and a cache clear pull again', async () => {
    const first = await request(api, '/api/registrations/lease-expiry?region=24');
    assert.equal(first.status, 200);
    sim.resetRequests();
    const cached = await request(api, '/api/registrations/lease-expiry?region=SLASKIE');
    assert.equal(cached.status, 200);
    assert.equal(sim.requests.total, 0, 'no request reached CEPiK');
    assert.equal(cached.body.meta.report_id, first.body.meta.report_id);

    const refreshed = await request(api, '/api/registrations/lease-expiry?region=24&refresh=true');
    assert.ok(sim.requests.pagesServed >= 5);
    assert.notEqual(refreshed.body.meta.report_id, first.body.meta.report_id);
    assert.deepEqual(refreshed.body.data, first.body.data);

    const cleared = await request(api, '/api/registrations/cache?region=24', { method: 'DELETE' });
    assert.equal(cleared.status, 200);
    assert.ok(cleared.body.data.deleted >= 2);
    sim.resetRequests();
    const again = await request(api, '/api/registrations/lease-expiry?region=24');
    assert.equal(again.status, 200);
    assert.ok(sim.requests.pagesServed >= 5, 'a cleared cache pulls again');
  });

  it('pulls again once the cached report is older than CEPIK_REPORT_TTL_HOURS', async () => {
    const shortLived = createTestApi({ db: database.db, client: temporal.client, queues, env: { ...env, CEPIK_REPORT_TTL_HOURS: String(1 / 3600) } });
    const first = await request(shortLived, '/api/registrations/lease-expiry?region=06');
    assert.equal(first.status, 200);
    sim.resetRequests();
    const within = await request(shortLived, '/api/registrations/lease-expiry?region=06');
    assert.equal(within.body.meta.report_id, first.body.meta.report_id);
    assert.equal(sim.requests.total, 0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const expired = await request(shortLived, '/api/registrations/lease-expiry?region=06');
    assert.equal(expired.status, 200);
    assert.notEqual(expired.body.meta.report_id, first.body.meta.report_id);
    assert.equal(expired.body.meta.stale, false);
    assert.ok(sim.requests.pagesServed >= 5);
  });

  it('shares one run between concurrent requests for the same region and window', async () => {
    sim.resetRequests();
    sim.configure({ latencyMs: 100 });
    try {
      const [a, b] = await Promise.all([
        request(api, '/api/registrations/lease-expiry?region=18'),
        request(api, '/api/registrations/lease-expiry?region=podkarpackie&refresh=true'),
      ]);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.equal(a.body.meta.report_id, b.body.meta.report_id);
      const minimum = BRANDS.reduce((sum, brand) => sum + sim.minimumPages({ region: '18', brand, ...a.body.meta.window }, 50), 0);
      assert.equal(sim.requests.pagesServed, minimum, 'one pull, no page fetched twice');
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });

  it('serves the older report marked stale, with its age, when the source fails; 502 when there is none', async () => {
    const fresh = await request(api, '/api/opportunity?region=16');
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.data.stale, false);
    const impatient = createTestApi({ db: database.db, client: temporal.client, queues, env: { ...env, CEPIK_PULL_MAX_ATTEMPTS: '2' } });
    sim.configure({ outage: true });
    try {
      const stale = await request(impatient, '/api/registrations/lease-expiry?region=16&refresh=true');
      assert.equal(stale.status, 200, JSON.stringify(stale.body));
      assert.equal(stale.body.meta.stale, true);
      assert.ok(stale.body.meta.age_seconds >= 0);
      const served = await database.db.query(
        `SELECT id FROM lease_expiry_reports WHERE region_code = '16' AND window_months = 2 AND status = 'complete' ORDER BY fetched_at DESC LIMIT 1`,
      );
      assert.equal(stale.body.meta.report_id, served.rows[0].id, 'the newest complete report');
      assert.equal(stale.body.data.TOTAL, fresh.body.data.total_expiring_leases);

      const none = await request(impatient, '/api/registrations/lease-expiry?region=32');
      assert.equal(none.status, 502);
      assert.equal(none.body.error.code, 'UPSTREAM_ERROR');
      assert.match(none.body.error.message, /overloaded/i);
      await recordHistory(temporal.client, none.body.error.details.job_id, 'registrations-lease-expiry-report-failed');
      const failed = await database.db.query(`SELECT count(*)::int AS n FROM lease_expiry_reports WHERE status = 'failed' AND region_code IN ('16', '32')`);
      assert.equal(failed.rows[0].n, 2, 'failed runs are recorded');
    } finally {
      sim.configure({ outage: false });
    }
  });

  it('serves the cached report marked stale when Temporal is unreachable, 503 when there is none', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    try {
      const cut = createTestApi({ db: database.db, client: new Client({ connection }), queues, env });
      const stale = await request(cut, '/api/registrations/lease-expiry?region=16&refresh=true');
      assert.equal(stale.status, 200, JSON.stringify(stale.body));
      assert.equal(stale.body.meta.stale, true);
      const none = await request(cut, '/api/opportunity?region=12');
      assert.equal(none.status, 503);
      assert.equal(none.body.error.code, 'UNAVAILABLE');
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('splits a three-year window into parts the API accepts', async () => {
    sim.resetRequests();
    const { status, body } = await request(api, '/api/registrations/lease-expiry?region=16&window_months=36&months_back=12&brands=tesla,volvo');
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.data, withTotal(truthFor('16', body.meta.window, ['TESLA', 'VOLVO'])));
    assert.equal(sim.requests.byStatus[400] ?? 0, 0, 'no request was refused for its window');
    const history = await temporal.client.workflow.getHandle((await workflowIdOf(body.meta.report_id)) as string).fetchHistory();
    const pulls = history.events!.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'pullBrandRegistrations');
    assert.equal(pulls.length, 4, 'two brands × two window parts');
  });

  it('answers 202 with a job id when the pull outlasts the wait, and the job reports the counts', async () => {
    const hasty = createTestApi({ db: database.db, client: temporal.client, queues, env: { ...env, CEPIK_REPORT_WAIT_SECONDS: '0.2' } });
    sim.configure({ latencyMs: 150 });
    try {
      const { status, body } = await request(hasty, '/api/registrations/lease-expiry?region=20');
      assert.equal(status, 202, JSON.stringify(body));
      assert.match(body.data.job_id, /^cepik-lease-expiry:20:/);
      const job = await waitFor(
        'the job to finish',
        async () => {
          const polled = await request(hasty, body.data.poll);
          return polled.body.data.status !== 'RUNNING' && polled;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      assert.equal(job.body.data.status, 'COMPLETED');
      assert.deepEqual(job.body.data.counts, withTotal(truthFor('20', job.body.data.window)));
    } finally {
      sim.configure({ latencyMs: 0 });
    }
  });

  it('scores the opportunity and derives sales hooks for a prospect', async () => {
    const { status, body } = await request(api, '/api/opportunity/context', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'Śląskie', monthly_fuel_cost: 900, current_car_value: 85_000, annual_tax: 2_400, has_family_card: true }),
    });
    assert.equal(status, 200, JSON.stringify(body));
    const { opportunity, hooks } = body.data;
    assert.equal(opportunity.region.code, '24');
    assert.equal(opportunity.total_expiring_leases, opportunity.tesla_count + Object.values<number>(opportunity.competitor_breakdown).reduce((a, b) => a + b, 0));
    assert.ok(!('TESLA' in opportunity.competitor_breakdown));
    assert.match(opportunity.insight, new RegExp(`^${opportunity.total_expiring_leases} premium car leases expiring in ŚLĄSKIE - ${opportunity.urgency_level.toLowerCase()} sales opportunity$`));
    assert.deepEqual(hooks.map((hook: { rule: string }) => hook.rule).slice(0, 4), ['TRADE_IN', 'EV_SUBSIDY', 'FUEL_SAVINGS', 'TAX_EXPOSURE']);
  });

  it('refuses unknown regions, bad months_back and unknown brands with clear 400s; lists the 16 regions', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/registrations/lease-expiry?region=bavaria', /unknown voivodeship 'bavaria'/],
      ['/api/registrations/lease-expiry?region=25', /unknown voivodeship '25'/],
      ['/api/registrations/lease-expiry?region=24&months_back=-3', /months_back/],
      ['/api/registrations/lease-expiry?region=24&months_back=9999', /months_back/],
      ['/api/registrations/lease-expiry?region=24&months_back=abc', /months_back/],
      ['/api/registrations/lease-expiry?region=24&brands=BMW,TRABANT', /unknown brand TRABANT/],
      ['/api/opportunity?region=atlantis', /unknown voivodeship/],
      ['/api/registrations/jobs/not-a-job', /id/],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await request(api, path);
      assert.equal(status, 400, path);
      assert.equal(body.error.code, 'VALIDATION_ERROR');
      assert.match(body.error.message, message, path);
    }
    const unknownJob = await request(api, '/api/registrations/jobs/cepik-lease-expiry:24:2000-01-01:2000-02-01:bmw');
    assert.equal(unknownJob.status, 404);
    const regions = await request(api, '/api/regions');
    assert.equal(regions.body.data.length, 16);
    assert.deepEqual(regions.body.data.find((r: { code: string }) => r.code === '24'), { code: '24', name: 'ŚLĄSKIE', ascii_name: 'SLASKIE' });
    const openapi = (await (await api.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/registrations/lease-expiry', '/api/opportunity', '/api/opportunity/context', '/api/regions', '/api/registrations/cache', '/api/registrations/jobs/{id}']) {
      assert.ok(openapi.paths[path], path);
    }
  });

  it('creates the daily schedule for the configured regions, idempotently', async () => {
    const context = { client: temporal.client, settings: api.settings, db: database.db, queues };
    const ids = await ensureCepikSchedules(context);
    assert.deepEqual(await ensureCepikSchedules(context), ids);
    assert.deepEqual(ids, ['cepik-lease-expiry-daily:24']);
    const schedule = await temporal.client.schedule.getHandle(ids[0]!).describe();
    assert.equal(schedule.action.type, 'startWorkflow');
    assert.equal((schedule.action as { workflowType: string }).workflowType, 'cepikLeaseExpiryReportWorkflow');
    assert.equal((schedule.action as { args: Array<{ regionCode: string }> }).args[0]!.regionCode, '24');
    await temporal.client.schedule.getHandle(ids[0]!).delete();
  });

  it('the sandbox seeder runs the Śląskie report and names its insight', async () => {
    await request(api, '/api/registrations/cache?region=24', { method: 'DELETE' });
    const message = await cepikSandboxSeeder.seed({ settings: api.settings, db: database.db, temporal: temporal.client, queues, startedAt: new Date() });
    assert.match(message, /^\d+ premium car leases expiring in ŚLĄSKIE - \w+ sales opportunity \(score \d+, report \d+\)$/);
    const { status, body } = await request(api, '/api/opportunity?region=24');
    assert.equal(status, 200);
    assert.ok(message.startsWith(body.data.insight));
  });

  async function workflowIdOf(reportId: number): Promise<string | undefined> {
    const result = await database.db.query('SELECT workflow_id FROM lease_expiry_reports WHERE id = $1', [reportId]);
    return result.rows[0]?.workflow_id;
  }
});
