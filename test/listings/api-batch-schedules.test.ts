import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TypedSearchAttributes } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadSettings } from '../../config/settings';
import { planBatches } from '../../domain/listings/batch-plan';
import { autotraderSandboxSeeder } from '../../sandbox/autotrader';
import { MakeAttribute, SourceAttribute } from '../../temporal/search-attributes';
import { ensureAutotraderSchedules } from '../../schedules/autotrader';
import { startAutotraderSimulator, type RunningAutotraderSimulator } from '../../simulators/autotrader/server';
import { scrapeBatchScheduleId, scrapeModelWorkflowId } from '../../workflows/listings/ids';
import type { scrapeBatchWorkflow } from '../../workflows/listings/scrape-batch';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';

describe('listing API, batch workflow and schedules (real Temporal, PostgreSQL and Chromium)', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let simulator: RunningAutotraderSimulator;
  let workers: TestWorkers;
  let api: ReturnType<typeof createTestApi>;
  let dataDir: string;
  const queues = uniqueQueues('listings-api');

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'prospector-listings-api-'));
    database = await createTestDatabase('listings_api');
    temporal = await connectTestTemporal();
    simulator = await startAutotraderSimulator({ inventory: { size: 160 }, renderDelayMs: 100 });
    const env = { AUTOTRADER_BASE_URL: simulator.url, SCRAPING_DELAY: '0.1', DATA_DIR: dataDir, AUTOTRADER_CHALLENGE_RETRY_SECONDS: '0.2' };
    workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, env });
    api = createTestApi({ db: database.db, client: temporal.client, queues, env });
  });
  after(async () => {
    await workers?.stop();
    await simulator?.close();
    await temporal?.teardown();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    api.json('/api/scrape', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('starts a scrape (202), refuses a second one of the same model (409) and unknown models (400)', async () => {
    simulator.setLatency(400);
    const started = await post({ make: 'kia', model: 'rio' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.deepEqual(started.body.data, { workflow_id: scrapeModelWorkflowId('Kia', 'Rio'), make: 'Kia', model: 'Rio', max_results: null });
    const again = await post({ make: 'Kia', model: 'Rio', max_results: 10 });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'CONFLICT');
    const unknown = await post({ make: 'Kia', model: 'Stinger GT-X' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /unknown model/);
    assert.equal((await post({ make: 'Kia' })).status, 400);
    assert.equal((await post({ make: 'Kia', model: 'Rio', max_results: 0 })).status, 400);
    assert.equal((await post({ make: 'Kia', model: 'Rio', extra: true })).status, 400);

    await waitFor('the running scrape to read a page', async () => (await api.json('/api/scrape/status')).body.data.running[0]?.pages >= 1);
    const status = await api.json('/api/scrape/status');
    assert.equal(status.body.data.running.length, 1);
    assert.equal(status.body.data.running[0].model, 'Rio');
    assert.ok(status.body.data.running[0].listings_seen >= 1);
    simulator.setLatency(0);
    await temporal.client.workflow.getHandle(started.body.data.workflow_id).result();
  });

  it('lists, filters and pages deals, with a detail view, stats, alerts, history and db status', async () => {
    const expected = simulator.organicResults({ make: 'Kia', model: 'Rio', fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 });
    const all = await api.json('/api/deals?make=KIA&limit=100');
    assert.equal(all.status, 200);
    const { deals, total, page, per_page } = all.body.data;
    assert.ok(total > 0 && total <= expected.length);
    assert.equal(deals.length, total);
    assert.deepEqual([page, per_page], [1, 100]);
    for (const deal of deals) {
      assert.ok(deal.conservative_value < deal.estimated_value, 'the lower bound is below the point estimate');
      assert.equal(deal.confidence_level, 0.95);
      assert.ok(Math.abs(deal.profit_margin - (deal.conservative_value - deal.price) / deal.price) < 1e-4, 'margin by the lower bound');
    }
    const margins = deals.map((d: any) => d.profit_margin);
    assert.deepEqual(margins, [...margins].sort((a, b) => b - a), 'best margin first');

    const excellent = await api.json('/api/deals?rating=excellent&limit=100');
    assert.ok(excellent.body.data.deals.every((d: any) => d.rating === 'excellent' && d.profit_margin >= 0.15));
    const paged = await api.json('/api/deals?limit=2&page=2');
    assert.deepEqual(paged.body.data.deals.map((d: any) => d.advert_id), deals.slice(2, 4).map((d: any) => d.advert_id));
    const minMargin = await api.json('/api/deals?min_margin=0.1&limit=100');
    assert.equal(minMargin.body.data.total, deals.filter((d: any) => d.profit_margin >= 0.1).length);
    assert.equal((await api.json('/api/deals?rating=superb')).status, 400);
    assert.equal((await api.json('/api/deals?limit=1000')).status, 400);

    const best = await api.json(`/api/deals/${deals[0].advert_id}`);
    assert.equal(best.status, 200);
    assert.equal(best.body.data.comparison_sample.size, deals[0].sample_size);
    assert.ok(best.body.data.comparison_sample.size >= 5);
    assert.equal(best.body.data.market.sample_size, expected.length);
    assert.equal(best.body.data.price_history.length, 1);
    assert.equal((await api.json('/api/deals/202601019999999')).status, 404);
    assert.equal((await api.json('/api/deals/not-an-id')).status, 400);

    const stats = (await api.json('/api/stats')).body.data;
    assert.equal(stats.total_deals, total);
    assert.equal(Object.values(stats.deals_by_rating as Record<string, number>).reduce((s, n) => s + n, 0), total);
    assert.equal(stats.most_profitable_makes[0].make, 'Kia');
    assert.equal(stats.daily_scraping_stats[0].listings_new, expected.length);
    assert.equal(stats.market_trends.unknown, 1, 'one day of history: no trend yet');
    assert.deepEqual([stats.markets[0].model, stats.markets[0].sample_size], ['Rio', expected.length]);

    const market = await api.json('/api/market/kia/rio');
    assert.equal(market.status, 200);
    assert.equal(market.body.data.sample_size, expected.length);
    assert.equal(market.body.data.age_bands.reduce((n: number, band: any) => n + band.listings, 0), expected.length);
    assert.equal(market.body.data.daily.length, 1);
    assert.equal(market.body.data.trend, 'unknown');
    assert.equal((await api.json('/api/market/Kia/Stinger')).status, 404);

    const alerts = (await api.json('/api/alerts')).body.data;
    assert.equal(alerts.total, deals.filter((d: any) => d.profit_margin > 0.2).length);
    assert.ok(alerts.alerts.every((a: any) => a.kind === 'deal' && a.profit_margin > 0.2 && a.webhook_status === 'not_configured'));
    assert.equal((await api.json('/api/alerts?kind=deal')).body.data.total, alerts.total);
    assert.equal((await api.json('/api/alerts?kind=price_drop')).body.data.total, 0);
    assert.equal((await api.json('/api/alerts?kind=bargain')).status, 400);

    const history = (await api.json('/api/scrape/history?make=kia')).body.data;
    assert.equal(history.total, 1);
    assert.equal(history.runs[0].status, 'succeeded');
    assert.equal(history.runs[0].listings_new, expected.length);

    const db = (await api.json('/api/db/status')).body.data;
    assert.equal(db.tables.listings, expected.length);
    assert.equal(db.tables.deals, total);
    assert.ok(db.database_size_bytes > 0);

    const metrics = await (await api.call('/metrics')).text();
    assert.match(metrics, new RegExp(`^prospector_autotrader_listings ${expected.length}$`, 'm'));
    assert.match(metrics, /^prospector_autotrader_pages_scraped_total \d+/m);
  });

  it('runs a batch whose failing model does not fail it, and reports the success rate', async () => {
    simulator.setChallenge({ models: ['Jogger'] });
    try {
      const result = await temporal.client.workflow.execute<typeof scrapeBatchWorkflow>('scrapeBatchWorkflow', {
        workflowId: `autotrader-batch:test-${Date.now()}`,
        taskQueue: queues.workflows,
        args: [{ batchId: 'test', models: [{ make: 'Dacia', model: 'Sandero' }, { make: 'Dacia', model: 'Jogger' }], concurrency: 2 }],
        workflowExecutionTimeout: '2 minutes',
      });
      assert.equal(result.total, 2);
      assert.equal(result.succeeded, 1);
      assert.equal(result.failed, 1);
      assert.equal(result.successRate, 0.5);
      assert.equal(result.failures[0]!.model, 'Jogger');
      assert.match(result.failures[0]!.error, /^BotChallenge: bot challenge on /);
      const sandero = await database.db.query(`SELECT count(*)::int AS n FROM listings WHERE model = 'Sandero'`);
      assert.equal(sandero.rows[0].n, simulator.organicResults({ make: 'Dacia', model: 'Sandero', fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 }).length);
    } finally {
      simulator.setChallenge(false);
    }
  });

  it('creates one daily schedule per batch, paused in sandbox mode, idempotently', async () => {
    const settings = loadSettings({ ...process.env, SOURCES: 'sandbox' });
    const context = { client: temporal.client, settings, db: database.db, queues };
    const ids = await ensureAutotraderSchedules(context);
    try {
      assert.equal(ids.length, planBatches().length);
      assert.deepEqual(await ensureAutotraderSchedules(context), ids, 'a second start updates in place');
      const fiesta = await temporal.client.schedule.getHandle(scrapeBatchScheduleId('model-ford-fiesta')).describe();
      assert.equal(fiesta.state.paused, true);
      assert.match(fiesta.state.note ?? '', /^Daily at \d\d:\d\d UTC: AutoTrader scrape of Ford Fiesta \(1 model, batch model-ford-fiesta\).* Created paused \(sandbox\)/);
      assert.equal(fiesta.action.type === 'startWorkflow' && fiesta.action.staticSummary, 'Ford Fiesta · daily scrape batch · 1 model');
      assert.equal(fiesta.action.type, 'startWorkflow');
      assert.equal(fiesta.action.type === 'startWorkflow' && fiesta.action.workflowType, 'scrapeBatchWorkflow');
      const attributes = fiesta.action.type === 'startWorkflow' ? fiesta.action.typedSearchAttributes : undefined;
      assert.ok(attributes instanceof TypedSearchAttributes);
      assert.equal(attributes.get(SourceAttribute), 'autotrader');
      assert.equal(attributes.get(MakeAttribute), 'Ford');
      const batch = planBatches().find((b) => b.id === 'model-ford-fiesta')!;
      assert.deepEqual(
        fiesta.spec.calendars?.map((c) => [c.hour, c.minute]),
        [[[{ start: Math.floor(batch.startMinuteUtc / 60), end: Math.floor(batch.startMinuteUtc / 60), step: 1 }], [{ start: batch.startMinuteUtc % 60, end: batch.startMinuteUtc % 60, step: 1 }]]],
      );
    } finally {
      for (const id of ids) await temporal.client.schedule.getHandle(id).delete().catch(() => undefined);
    }
  });

  it('sandbox seeder starts the configured models, and leaves running ones alone on a restart', async () => {
    const settings = loadSettings({ ...process.env, AUTOTRADER_SANDBOX_MODELS: 'Suzuki:Swift, tesla:model 3', AUTOTRADER_SANDBOX_DELAY: '0' });
    const context = { settings, db: database.db, temporal: temporal.client, queues, startedAt: new Date() };
    simulator.setLatency(300);
    try {
      assert.match(await autotraderSandboxSeeder.seed(context), /started for Suzuki Swift, Tesla Model 3;/);
      assert.match(await autotraderSandboxSeeder.seed(context), /started for no model; already running: Suzuki Swift, Tesla Model 3;/);
    } finally {
      simulator.setLatency(0);
    }
    const swift = await temporal.client.workflow.getHandle(scrapeModelWorkflowId('Suzuki', 'Swift')).result();
    const expected = simulator.organicResults({ make: 'Suzuki', model: 'Swift', fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 });
    assert.equal(swift.listingsNew, expected.length);
    await temporal.client.workflow.getHandle(scrapeModelWorkflowId('Tesla', 'Model 3')).result();
  });
});
