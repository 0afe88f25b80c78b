import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startAutotraderSimulator, type RunningAutotraderSimulator } from '../../simulators/autotrader/server';
import { scrapeModelWorkflowId } from '../../workflows/listings/ids';
import type { scrapeModelWorkflow } from '../../workflows/listings/scrape-model';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { recordHistory } from '../support/history-fixtures';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

const FILTERS = { fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 };

describe('AutoTrader model scrape in real Chromium against the simulator', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let simulator: RunningAutotraderSimulator;
  let workers: TestWorkers;
  let dataDir: string;
  const queues = uniqueQueues('listings');
  const webhook = new WebhookReceiver();

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'prospector-listings-'));
    database = await createTestDatabase('listings');
    temporal = await connectTestTemporal();
    simulator = await startAutotraderSimulator({ inventory: { size: 220 }, renderDelayMs: 150, consent: true });
    const webhookUrl = await webhook.start();
    workers = await startTestWorkers({
      connection: temporal.nativeConnection,
      db: database.db,
      queues,
      roles: ['workflows', 'http', 'browser'],
      env: {
        AUTOTRADER_BASE_URL: simulator.url,
        SCRAPING_DELAY: '0.1',
        DATA_DIR: dataDir,
        AUTOTRADER_CHALLENGE_RETRY_SECONDS: '0.5',
        // Exercise the consent banner instead of side-stepping it with cookies.
        AUTOTRADER_PRESET_CONSENT: 'false',
        ALERT_WEBHOOK_URL: webhookUrl,
      },
    });
  });
  after(async () => {
    await workers?.stop();
    await simulator?.close();
    await webhook.close();
    await temporal?.teardown();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const scrape = (make: string, model: string) =>
    temporal.client.workflow.start<typeof scrapeModelWorkflow>('scrapeModelWorkflow', {
      workflowId: `${scrapeModelWorkflowId(make, model)}:${Date.now()}`,
      taskQueue: queues.workflows,
      args: [{ make, model }],
      workflowExecutionTimeout: '3 minutes',
    });

  it('stores exactly the organic listings once each, then updates them on a second run', async () => {
    const expected = simulator.organicResults({ make: 'Ford', model: 'Fiesta', ...FILTERS });
    assert.ok(expected.length > 40, `enough results for several pages (${expected.length})`);
    const handle = await scrape('Ford', 'Fiesta');
    const result = await handle.result();
    assert.equal(result.listingsNew, expected.length);
    assert.equal(result.listingsSeen, expected.length);
    assert.equal(result.pages, Math.ceil(expected.length / 20));
    assert.equal(result.stopReason, 'all_results_seen');

    const { rows } = await database.db.query(
      `SELECT advert_id, year, mileage, price, subtitle, seller_type, location, distance_miles, url, make, model, body_type, fuel_type, gearbox
         FROM listings ORDER BY advert_id`,
    );
    assert.deepEqual(
      rows.map((r) => r.advert_id),
      expected.map((car) => car.advertId).sort(),
    );
    const truth = new Map(expected.map((car) => [car.advertId, car]));
    for (const row of rows) {
      const car = truth.get(row.advert_id)!;
      assert.deepEqual(
        [row.make, row.model, row.year, row.mileage, row.price, row.subtitle, row.seller_type, row.location, row.distance_miles],
        [car.make, car.model, car.year, car.mileage, car.price, car.subtitle, car.sellerType, car.town, car.distanceMiles],
      );
      assert.equal(row.url, `${simulator.url}/car-details/${car.advertId}`);
      // The current card states no key specs: fuel and gearbox come from the search filters, the body from the
      // subtitle when it names one (an estate), else it stays unknown (every Fiesta of this market is a hatchback).
      assert.deepEqual([row.body_type, row.fuel_type, row.gearbox], [car.bodyType === 'Estate' ? 'Estate' : null, car.fuelType, car.transmission]);
    }
    const history = await database.db.query('SELECT count(*)::int AS n FROM listing_price_history');
    assert.equal(history.rows[0].n, expected.length);
    assert.ok(simulator.stats.consentAccepted >= 1, 'the consent banner was accepted');

    const deals = await database.db.query(`SELECT advert_id, rating, profit_margin FROM deals`);
    assert.equal(deals.rows.length, result.dealsRated);
    assert.ok(result.dealsRated > expected.length / 2, `most cars have ≥5 similar cars (${result.dealsRated})`);
    const alerts = await database.db.query<{ id: number; advert_id: string; webhook_status: string }>('SELECT id, advert_id, webhook_status FROM deal_alerts ORDER BY id');
    assert.equal(alerts.rows.length, result.alertsRaised);
    assert.ok(alerts.rows.every((a) => a.webhook_status === 'sent'), 'the run delivered its alerts to the webhook');
    assert.deepEqual(webhook.received.map((r) => r.body.id).sort((a, b) => a - b), alerts.rows.map((a) => a.id), 'each once');
    await recordHistory(temporal.client, handle.workflowId, 'listings-scrapeModelWorkflow-completed-alert-outbox');
    // The simulator's ground truth: a known share of cars is priced 18–30 % under its fair price.
    const truePositives = alerts.rows.filter((a) => truth.get(a.advert_id)!.underpriced).length;
    const underpriced = expected.filter((car) => car.underpriced).length;
    assert.ok(alerts.rows.length > 0 && truePositives / alerts.rows.length >= 0.9, `alert precision ${truePositives}/${alerts.rows.length}`);
    assert.ok(truePositives / underpriced >= 0.5, `alert recall ${truePositives}/${underpriced}`);

    const second = await (await scrape('Ford', 'Fiesta')).result();
    assert.equal(second.listingsNew, 0);
    assert.equal(second.listingsUpdated, expected.length);
    const again = await database.db.query('SELECT count(*)::int AS n FROM listings');
    assert.equal(again.rows[0].n, expected.length);
    const runs = await database.db.query(`SELECT status, listings_new, listings_updated FROM scrape_runs ORDER BY id`);
    assert.deepEqual(runs.rows, [
      { status: 'succeeded', listings_new: expected.length, listings_updated: 0 },
      { status: 'succeeded', listings_new: 0, listings_updated: expected.length },
    ]);
  });

  it('stores the body a subtitle names (Peugeot 308 SW estates), and the deal analysis values by it', async () => {
    const expected = simulator.organicResults({ make: 'Peugeot', model: '308', ...FILTERS });
    const estates = expected.filter((car) => car.bodyType === 'Estate');
    assert.ok(estates.length >= 10 && estates.length < expected.length, `estates and hatchbacks both (${estates.length} of ${expected.length})`);
    const result = await (await scrape('Peugeot', '308')).result();
    assert.equal(result.listingsNew, expected.length);
    const { rows } = await database.db.query<{ advert_id: string; subtitle: string; body_type: string | null; fuel_type: string; gearbox: string }>(
      `SELECT advert_id, subtitle, body_type, fuel_type, gearbox FROM listings WHERE make = 'Peugeot' AND model = '308'`,
    );
    const truth = new Map(expected.map((car) => [car.advertId, car]));
    assert.equal(rows.length, expected.length);
    for (const row of rows) {
      const car = truth.get(row.advert_id)!;
      // The simulator's second body is an estate, named in the subtitle ("1.2 PureTech Allure SW 5dr"); the usual body is not named, so not known.
      assert.deepEqual([row.body_type, row.fuel_type, row.gearbox], [car.bodyType === 'Estate' ? 'Estate' : null, car.fuelType, car.transmission], row.subtitle);
    }
    const { rows: deals } = await database.db.query<{ terms: string[] }>(
      `SELECT d.sample_summary->'terms' AS terms FROM deals d JOIN listings l USING (advert_id) WHERE l.make = 'Peugeot' AND l.model = '308'`,
    );
    assert.ok(deals.length > 0 && deals.every((deal) => deal.terms.some((term) => term.startsWith('body='))), 'every valuation tells the bodies apart');
  });

  it('closes the browser context at once when the workflow is cancelled', async () => {
    simulator.setLatency(1_500);
    try {
      const handle = await scrape('Kia', 'Sportage');
      await waitFor('the scrape to read a page', async () => (await runOf(handle.workflowId))?.pages >= 1);
      const browser = await workers.browsers.browser();
      assert.equal(browser.contexts().length, 1, 'the scrape has its context open');
      const cancelledAt = Date.now();
      await handle.cancel();
      await waitFor('the browser context to close', () => browser.contexts().length === 0, { timeoutMs: 15_000 });
      const closedAfterMs = Date.now() - cancelledAt;
      await assert.rejects(handle.result(), WorkflowFailedError);
      const run = await runOf(handle.workflowId);
      assert.equal(run.status, 'cancelled');
      assert.ok(closedAfterMs < 15_000, `closed ${closedAfterMs} ms after the cancel`);
    } finally {
      simulator.setLatency(0);
    }
  });

  it('stops with a clear BotChallenge failure and a screenshot, retrying with backoff', async () => {
    simulator.setChallenge(true);
    const servedBefore = simulator.stats.challengesServed;
    try {
      const handle = await scrape('Dacia', 'Duster');
      const error = await handle.result().then(
        () => assert.fail('a challenged scrape must fail'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof WorkflowFailedError);
      const activityFailure = error.cause;
      assert.ok(activityFailure instanceof ActivityFailure);
      assert.ok(activityFailure.cause instanceof ApplicationFailure);
      assert.equal(activityFailure.cause.type, 'BotChallenge');
      assert.match(activityFailure.cause.message, /bot challenge .*cf-mitigated: challenge/);
      assert.equal(simulator.stats.challengesServed - servedBefore, 4, 'four attempts, one page each, then it gives up');

      const run = await runOf(handle.workflowId);
      assert.equal(run.status, 'failed');
      assert.equal(run.errors.length, 5, 'one error per attempt plus the final one');
      assert.match(run.errors.at(-1), /^BotChallenge: /);
      assert.equal(run.screenshot_paths.length, 4);
      for (const file of run.screenshot_paths) assert.ok(existsSync(file) && file.startsWith(dataDir), file);
      const listings = await database.db.query(`SELECT count(*)::int AS n FROM listings WHERE make = 'Dacia'`);
      assert.equal(listings.rows[0].n, 0);
    } finally {
      simulator.setChallenge(false);
    }
  });

  async function runOf(workflowId: string) {
    const { rows } = await database.db.query('SELECT * FROM scrape_runs WHERE workflow_id = $1 ORDER BY id DESC LIMIT 1', [workflowId]);
    return rows[0];
  }
});
