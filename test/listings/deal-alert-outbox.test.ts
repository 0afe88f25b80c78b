import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createDealActivities } from '../../activities/listings/deal-activities';
import { loadSettings } from '../../config/settings';
import type { Database } from '../../platform/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';

const SPEC = '1.0 EcoBoost Titanium 5dr';
/** An exactly linear market (£30,000 new in 2024, −£2,000 a year, −£0.08 a mile)… */
const fairPrice = (year: number, mileage: number) => 30_000 - 2_000 * (2024 - year) - 0.08 * mileage;
/** …with three cars a quarter under their fair price: exactly these three raise alerts. */
const UNDERPRICED = [
  { advertId: 'cheap-1', year: 2021, mileage: 25_000 },
  { advertId: 'cheap-2', year: 2022, mileage: 35_000 },
  { advertId: 'cheap-3', year: 2020, mileage: 15_000 },
];

interface ReceivedAlert {
  headers: IncomingHttpHeaders;
  body: { id: number; advert_id: string; [key: string]: unknown };
}

/** A local webhook receiver: records every POST and answers with the status `answer` names. */
class WebhookReceiver {
  readonly received: ReceivedAlert[] = [];
  answer: () => number = () => 200;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: JSON.parse(body) });
        response.writeHead(this.answer()).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/alerts`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * The database as an attempt sees it that dies right after storing its alert rows: every statement
 * after the `INSERT INTO deal_alerts` fails, as when the worker is killed or loses PostgreSQL there.
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
            get: (inner, name) => (name === 'query' ? guard(inner.query.bind(inner)) : Reflect.get(inner, name, inner)),
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
    receiver.answer = () => 200;
    await database.db.query('TRUNCATE scrape_runs, listings, deals, deal_alerts, market_summaries RESTART IDENTITY CASCADE');
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

  const activitiesOn = (db: Database, env: Record<string, string> = { ALERT_WEBHOOK_URL: webhookUrl }) =>
    createDealActivities({ db, settings: loadSettings({ ...process.env, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env }) });

  const alertRows = async () =>
    (await database.db.query<{ id: number; advert_id: string; webhook_status: string }>('SELECT id, advert_id, webhook_status FROM deal_alerts ORDER BY id')).rows;

  test('an analysis retried after its first attempt died right after storing the alerts still delivers every alert', async () => {
    const input = { runId, make: 'Ford', model: 'Fiesta' };
    await assert.rejects(activitiesOn(dyingAfterAlertInsert(database.db)).analyseModelDeals(input), /connection lost/);
    const retried = activitiesOn(database.db);
    await retried.analyseModelDeals(input);

    const alerts = await alertRows();
    assert.deepEqual(alerts.map((a) => a.advert_id).sort(), UNDERPRICED.map((car) => car.advertId));
    assert.deepEqual(alerts.map((a) => a.webhook_status), ['sent', 'sent', 'sent'], 'no alert is left pending');
    assert.deepEqual([...new Set(receiver.received.map((r) => r.body.id))].sort(), alerts.map((a) => a.id));
  });

  test('a receiver that answers 503 does not lose the alert: it stays pending for the next delivery', async () => {
    receiver.answer = () => 503;
    await activitiesOn(database.db).analyseModelDeals({ runId, make: 'Ford', model: 'Fiesta' });
    assert.deepEqual((await alertRows()).map((a) => a.webhook_status), ['pending', 'pending', 'pending']);
  });
});
