import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDealActivities } from '../../activities/listings/deal-activities';
import { loadSettings } from '../../config/settings';
import type { Database } from '../../platform/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';
import { WebhookReceiver } from '../support/webhook-receiver';

const SPEC = '1.0 EcoBoost Titanium 5dr';
/** An exactly linear market (£30,000 new in 2024, −£2,000 a year, −£0.08 a mile)… */
const fairPrice = (year: number, mileage: number) => 30_000 - 2_000 * (2024 - year) - 0.08 * mileage;
/** …with three cars a quarter under their fair price: exactly these three raise alerts. */
const UNDERPRICED = [
  { advertId: 'cheap-1', year: 2021, mileage: 25_000 },
  { advertId: 'cheap-2', year: 2022, mileage: 35_000 },
  { advertId: 'cheap-3', year: 2020, mileage: 15_000 },
];

/**
 * The database as an attempt sees it that dies right after storing its alert rows: every statement
 * after the `INSERT INTO deal_alerts` fails, as when the worker is killed or loses PostgreSQL there,
 * and the dead attempt's connection is closed (PostgreSQL rolls back whatever it left open).
 */
function dyingAfterAlertInsert(db: Database): Database {
  let alertsWritten = false;
  const guard = <Q extends (...args: any[]) => Promise<unknown>>(query: Q): Q =>
    (async (...args: any[]) => {
      if (alertsWritten) throw new Error('connection lost (simulated worker death)');
      const result = await query(...args);
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      if (text.includes('INSERT INTO deal_alerts')) alertsWritten = true;
      return result;
    }) as Q;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') return guard(target.query.bind(target));
      if (property === 'connect') {
        return async () => {
          const client = await target.connect();
          return new Proxy(client, {
            get(inner, name) {
              if (name === 'query') return guard(inner.query.bind(inner));
              if (name === 'release') return () => inner.release(alertsWritten ? new Error('connection lost (simulated worker death)') : undefined);
              return Reflect.get(inner, name, inner);
            },
          });
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

describe('deal alerts go through an outbox (real PostgreSQL, a local webhook receiver)', () => {
  let database: TestDatabase;
  const receiver = new WebhookReceiver();
  let webhookUrl: string;
  let runId: number;

  before(async () => {
    database = await createTestDatabase('deal-outbox');
    webhookUrl = await receiver.start();
  });
  after(async () => {
    await receiver.close();
    await database?.drop();
  });

  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 200 });
    receiver.delayMs = 0;
    await database.db.query('TRUNCATE scrape_runs, listings, deals, deal_alerts, market_summaries, market_daily RESTART IDENTITY CASCADE');
    const run = await database.db.query<{ id: number }>(
      `INSERT INTO scrape_runs (make, model, workflow_id) VALUES ('Ford', 'Fiesta', 'test') RETURNING id`,
    );
    runId = run.rows[0]!.id;
    const cars = [
      ...[2019, 2020, 2021, 2022, 2023].flatMap((year, y) =>
        [10_000, 20_000, 30_000, 40_000].map((mileage, m) => ({ advertId: `fair-${y}-${m}`, year, mileage, price: fairPrice(year, mileage) })),
      ),
      ...UNDERPRICED.map((car) => ({ ...car, price: Math.round(fairPrice(car.year, car.mileage) * 0.75) })),
    ];
    await database.db.query(
      `INSERT INTO listings (advert_id, make, model, title, subtitle, year, mileage, price, seller_type, url, last_scrape_run_id)
       SELECT t.id, 'Ford', 'Fiesta', 'Ford Fiesta', $5, t.year, t.mileage, t.price, 'trade', 'https://example.test/' || t.id, $6
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS t(id, year, mileage, price)`,
      [cars.map((c) => c.advertId), cars.map((c) => c.year), cars.map((c) => c.mileage), cars.map((c) => c.price), SPEC, runId],
    );
  });

  /** The deal activities as a worker runs them: inside an activity context (their log lines need one). */
  const activitiesOn = (db: Database, env: Record<string, string> = { ALERT_WEBHOOK_URL: webhookUrl }) => {
    const activities = createDealActivities({ db, settings: loadSettings({ ...process.env, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env }) });
    const context = new MockActivityEnvironment();
    return {
      analyseModelDeals: (input: Parameters<typeof activities.analyseModelDeals>[0]) => context.run(activities.analyseModelDeals, input) as ReturnType<typeof activities.analyseModelDeals>,
      deliverDealAlerts: () => context.run(activities.deliverDealAlerts) as ReturnType<typeof activities.deliverDealAlerts>,
    };
  };

  const alertRows = async () =>
    (
      await database.db.query<{ id: number; advert_id: string; webhook_status: string; webhook_error: string | null; webhook_attempts: number; sent: boolean }>(
        `SELECT id, advert_id, webhook_status, webhook_error, webhook_attempts, webhook_sent_at IS NOT NULL AS sent FROM deal_alerts ORDER BY id`,
      )
    ).rows;
  const analyse = (activities = activitiesOn(database.db)) => activities.analyseModelDeals({ runId, make: 'Ford', model: 'Fiesta' });
  const receivedIds = () => receiver.received.map((r) => r.body.id).sort((a, b) => a - b);

  test('an analysis retried after its first attempt died right after storing the alerts still delivers every alert', async () => {
    await assert.rejects(analyse(activitiesOn(dyingAfterAlertInsert(database.db))), /connection lost/);
    const activities = activitiesOn(database.db);
    const analysis = await analyse(activities);
    assert.equal(analysis.alertsRaised, 3);
    assert.equal(receiver.received.length, 0, 'the analysis itself calls no webhook');
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 3, failed: 0, pending: 0 });

    const alerts = await alertRows();
    assert.deepEqual(alerts.map((a) => a.advert_id).sort(), UNDERPRICED.map((car) => car.advertId));
    assert.deepEqual(alerts.map((a) => a.webhook_status), ['sent', 'sent', 'sent'], 'no alert is left pending');
    assert.deepEqual(receivedIds(), alerts.map((a) => a.id), 'each alert reached the receiver once');
    const run = await database.db.query('SELECT deals_analysed FROM scrape_runs WHERE id = $1', [runId]);
    assert.equal(run.rows[0].deals_analysed, analysis.dealsRated);
  });

  test('a receiver that answers 503 does not lose the alert: it stays pending with the reason and the next delivery sends it', async () => {
    const activities = activitiesOn(database.db);
    await analyse(activities);
    receiver.answer = () => ({ status: 503, body: 'maintenance' });
    await assert.rejects(activities.deliverDealAlerts(), (error: Error) => error.name === 'AlertWebhookUnavailableError' && /HTTP 503: maintenance/.test(error.message));
    const [first, ...others] = await alertRows();
    assert.deepEqual(
      [first!.webhook_status, first!.webhook_error, first!.webhook_attempts],
      ['pending', 'HTTP 503: maintenance', 1],
      'the first alert tried keeps the reason and waits',
    );
    assert.deepEqual(others.map((a) => [a.webhook_status, a.webhook_attempts]), [['pending', 0], ['pending', 0]], 'the others wait untried');

    receiver.answer = () => ({ status: 200 });
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 3, failed: 0, pending: 0 });
    const alerts = await alertRows();
    assert.deepEqual(alerts.map((a) => [a.webhook_status, a.webhook_error, a.sent]), [['sent', null, true], ['sent', null, true], ['sent', null, true]]);
    const firstPosts = receiver.received.filter((r) => r.body.id === first!.id);
    assert.equal(firstPosts.length, 2, 'the refused alert was POSTed again');
    assert.deepEqual(firstPosts.map((r) => r.headers['idempotency-key']), [`deal-alert-${first!.id}`, `deal-alert-${first!.id}`], 'under the same key');
  });

  test('a sent alert is never sent again, and the receiver sees its stable id in the body and the Idempotency-Key header', async () => {
    const activities = activitiesOn(database.db);
    await analyse(activities);
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 3, failed: 0, pending: 0 });
    await analyse(activities);
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 0, failed: 0, pending: 0 }, 'a re-analysis raises nothing new');
    const alerts = await alertRows();
    assert.deepEqual(receivedIds(), alerts.map((a) => a.id));
    for (const { headers, body } of receiver.received) {
      assert.equal(headers['idempotency-key'], `deal-alert-${body.id}`);
      assert.equal(body.idempotency_key, `deal-alert-${body.id}`);
      assert.equal(body.type, 'autotrader.deal_alert');
      assert.ok(UNDERPRICED.some((car) => car.advertId === body.advert_id));
    }
  });

  test('a refusal (4xx other than 408 and 429) fails the alert with the reason and is not retried', async () => {
    const activities = activitiesOn(database.db);
    await analyse(activities);
    receiver.answer = () => ({ status: 422, body: '{"error":"unknown make"}' });
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 0, failed: 3, pending: 0 });
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 0, failed: 0, pending: 0 });
    assert.equal(receiver.received.length, 3, 'each refused alert was POSTed once');
    const alerts = await alertRows();
    assert.deepEqual(
      alerts.map((a) => [a.webhook_status, a.webhook_error, a.sent]),
      Array(3).fill(['failed', 'HTTP 422: {"error":"unknown make"}', false]),
    );
  });

  test('an unreachable webhook keeps alerts pending with the network error until the delivery window has passed, then fails them', async () => {
    const closedPort = createServer();
    await new Promise<void>((resolve) => closedPort.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closedPort.address() as AddressInfo).port}/alerts`;
    await new Promise((resolve) => closedPort.close(resolve));
    const activities = activitiesOn(database.db, { ALERT_WEBHOOK_URL: deadUrl });
    await analyse(activities);
    await assert.rejects(activities.deliverDealAlerts(), /ECONNREFUSED/);
    const [first] = await alertRows();
    assert.equal(first!.webhook_status, 'pending');
    assert.match(first!.webhook_error!, /ECONNREFUSED/);

    await database.db.query(`UPDATE deal_alerts SET created_at = now() - interval '25 hours'`);
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 0, failed: 3, pending: 0 });
    for (const alert of await alertRows()) {
      assert.equal(alert.webhook_status, 'failed');
      assert.match(alert.webhook_error!, /ECONNREFUSED.*still undelivered 24 h after it was raised/);
    }
  });

  test('delivery picks up any pending alert, leaves alerts raised without a webhook alone, and does nothing without a URL', async () => {
    await analyse(activitiesOn(database.db, { ALERT_WEBHOOK_URL: '' }));
    assert.deepEqual((await alertRows()).map((a) => a.webhook_status), ['not_configured', 'not_configured', 'not_configured']);
    const activities = activitiesOn(database.db);
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 0, failed: 0, pending: 0 });

    // A row left pending by an earlier run (or re-queued by an operator) is delivered by any later delivery.
    const [stranded] = await alertRows();
    await database.db.query(`UPDATE deal_alerts SET webhook_status = 'pending' WHERE id = $1`, [stranded!.id]);
    assert.deepEqual(await activitiesOn(database.db, { ALERT_WEBHOOK_URL: '' }).deliverDealAlerts(), { sent: 0, failed: 0, pending: 1 });
    assert.deepEqual(await activities.deliverDealAlerts(), { sent: 1, failed: 0, pending: 0 });
    assert.deepEqual(receivedIds(), [stranded!.id]);
  });

  test('concurrent deliverers POST each alert once', async () => {
    const activities = activitiesOn(database.db);
    await analyse(activities);
    receiver.delayMs = 100;
    const deliveries = await Promise.all([activities.deliverDealAlerts(), activities.deliverDealAlerts(), activities.deliverDealAlerts()]);
    assert.equal(deliveries.reduce((sum, d) => sum + d.sent, 0), 3);
    assert.deepEqual(receivedIds(), (await alertRows()).map((a) => a.id));
  });

  test('a price drop, a median shift and a scrape shortfall each raise one alert of their kind, delivered once', async () => {
    const activities = activitiesOn(database.db);
    const first = await activities.analyseModelDeals({ runId, make: 'Ford', model: 'Fiesta' });
    assert.equal(first.alertsRaised, UNDERPRICED.length, 'the first analysis raises the deals only');
    // A listing seen yesterday at its fair price is 10 % cheaper today.
    await database.db.query(
      `INSERT INTO listing_price_history (advert_id, price, observed_at)
       SELECT advert_id, price, now() - interval '1 day' FROM listings WHERE advert_id = 'fair-2-1'
       UNION ALL SELECT advert_id, price - price / 10, now() FROM listings WHERE advert_id = 'fair-2-1'`,
    );
    await database.db.query(`UPDATE listings SET price = price - price / 10 WHERE advert_id = 'fair-2-1'`);
    // Yesterday's median was 20 % above today's; the model's last three runs saw 400 listings, this one 23.
    await database.db.query(
      `INSERT INTO market_daily (make, model, day, listings, median_price)
       SELECT make, model, day - 1, listings, median_price * 1.2 FROM market_daily WHERE make = 'Ford' AND model = 'Fiesta'`,
    );
    await database.db.query(
      `INSERT INTO scrape_runs (make, model, workflow_id, status, listings_seen, started_at)
       SELECT 'Ford', 'Fiesta', 'earlier-' || i, 'succeeded', 400, now() - i * interval '1 day' FROM generate_series(1, 3) AS i`,
    );
    const run = await database.db.query<{ id: number }>(
      `INSERT INTO scrape_runs (make, model, workflow_id, listings_seen) VALUES ('Ford', 'Fiesta', 'short', 23) RETURNING id`,
    );
    const second = await activities.analyseModelDeals({ runId: run.rows[0]!.id, make: 'Ford', model: 'Fiesta' });
    assert.equal(second.alertsRaised, 3);
    const again = await activities.analyseModelDeals({ runId: run.rows[0]!.id, make: 'Ford', model: 'Fiesta' });
    assert.equal(again.alertsRaised, 0, 'each alert is raised once');
    const kinds = await database.db.query<{ kind: string; advert_id: string | null; price: number | null; previous_price: number | null; details: any }>(
      `SELECT kind, advert_id, price, previous_price, details FROM deal_alerts WHERE kind <> 'deal' ORDER BY kind`,
    );
    assert.deepEqual(kinds.rows.map((r) => r.kind), ['median_shift', 'price_drop', 'scrape_shortfall']);
    const [shift, drop, shortfall] = kinds.rows;
    // Yesterday's median was today's (before the drop) × 1.2: about −17 % since.
    assert.ok(Math.abs(shift!.details.change - (shift!.details.median_price / shift!.details.previous_median_price - 1)) < 1e-4);
    assert.ok(shift!.details.change < -0.15 && shift!.details.change > -0.2, JSON.stringify(shift!.details));
    assert.equal(drop!.advert_id, 'fair-2-1');
    assert.equal(drop!.previous_price! - drop!.price!, drop!.details.drop);
    assert.deepEqual([shortfall!.details.listings_seen, shortfall!.details.usual_listings], [23, 400]);

    await activities.deliverDealAlerts();
    const types = receiver.received.map((r) => `${r.body.kind}:${r.body.type}`).sort();
    assert.deepEqual(types, [
      'deal:autotrader.deal_alert',
      'deal:autotrader.deal_alert',
      'deal:autotrader.deal_alert',
      'median_shift:autotrader.market_anomaly',
      'price_drop:autotrader.price_drop',
      'scrape_shortfall:autotrader.market_anomaly',
    ]);
    assert.ok(receiver.received.every((r) => r.body.kind !== 'deal' || Number(r.body.conservative_value) < Number(r.body.estimated_value)));
  });
});
