import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { taskQueues } from '../../platform/task-queues';
import { createTestApi } from '../support/api';
import { createTestDatabase, insertBareCounty, type TestDatabase } from '../support/database';

/**
 * Keyset pagination through the HTTP API on real PostgreSQL: following next_cursor visits every row once,
 * in the order offset pages give, across ties of the sort key and rows without one; a cursor that is not
 * one the list gave out is a 400 in the error envelope.
 */
describe('list endpoints page by cursor (real PostgreSQL, through the Hono app)', () => {
  let database: TestDatabase;
  let api: ReturnType<typeof createTestApi>;
  let countyId: number;

  before(async () => {
    database = await createTestDatabase('list_pagination');
    const { db } = database;
    countyId = await insertBareCounty(db, 'Pasco', 'PASCO');
    // 230 permits on 20 distinct days (many ties), every 9th without an opened date.
    await db.query(
      `INSERT INTO permits (county_id, record_id, opened_date, is_hvac, normalized_address, raw)
       SELECT $1, 'REC-' || i, CASE WHEN i % 9 = 0 THEN NULL ELSE timestamp '2020-01-01' + (i % 20) * interval '1 day' END, true, 'addr-' || i, '{}'
         FROM generate_series(1, 230) AS i`,
      [countyId],
    );
    await db.query(
      `INSERT INTO listings (advert_id, make, model, title, price, seller_type, url)
       SELECT (202400000000 + i)::text, 'Ford', 'Focus', 'Ford Focus', 5000 + i, 'trade', 'https://example.invalid/' || i FROM generate_series(1, 95) AS i`,
    );
    // Five margins only: the advert id breaks the ties.
    await db.query(
      `INSERT INTO deals (advert_id, make, model, price, estimated_value, conservative_value, confidence_level, profit_margin, rating, sample_size, confidence, sample_summary)
       SELECT advert_id, make, model, price, price, price, 0.95, (substr(advert_id, 10)::int % 5) / 10.0, 'good', 10, 0.5, '{}' FROM listings`,
    );
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    api = createTestApi({ db, client, queues: taskQueues('list-pagination') });
  });
  after(async () => {
    await database?.drop();
  });

  async function walk(path: string, items: (data: any) => any[], cursorOf: (body: any) => string | null) {
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await api.json(`${path}${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(status, 200, JSON.stringify(body));
      seen.push(...items(body));
      cursor = cursorOf(body);
    } while (cursor !== null);
    return seen;
  }

  it('GET /api/permits: the cursor walk is the offset walk, newest first, undated last, and says where it ends', async () => {
    const byCursor = await walk(`/api/permits?county_id=${countyId}&limit=40`, (body) => body.data, (body) => body.pagination.next_cursor);
    const { body: all } = await api.json(`/api/permits?county_id=${countyId}&limit=1000`);
    assert.equal(all.data.length, 230);
    assert.deepEqual(byCursor.map((permit) => permit.id), all.data.map((permit: any) => permit.id));
    const dates = all.data.map((permit: any) => permit.opened_date);
    assert.deepEqual(dates.slice(0, 230 - 25), [...dates.slice(0, 230 - 25)].sort().reverse(), 'newest first');
    assert.deepEqual(dates.slice(230 - 25), Array(25).fill(null), 'the 25 undated permits last');
    assert.deepEqual((all as any).pagination, { next_cursor: null, total: 230, total_is_estimate: false });
    const offsetPage = await api.json(`/api/permits?county_id=${countyId}&limit=40&offset=200`);
    assert.deepEqual(offsetPage.body.data.map((permit: any) => permit.id), all.data.slice(200).map((permit: any) => permit.id));
  });

  it('GET /api/deals: pages by cursor across ties of the margin, next_cursor beside the total', async () => {
    const byCursor = await walk('/api/deals?limit=20', (body) => body.data.deals, (body) => body.data.next_cursor);
    assert.equal(byCursor.length, 95);
    assert.equal(new Set(byCursor.map((deal) => deal.advert_id)).size, 95, 'no deal twice');
    const order = byCursor.map((deal) => [deal.profit_margin, deal.advert_id]);
    assert.deepEqual(order, [...order].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1)), 'best margin first, ties by advert id');
    const first = await api.json('/api/deals?limit=20');
    assert.equal(first.body.data.total, 95);
    assert.equal(first.body.data.total_is_estimate, false);
  });

  it('refuses a cursor that is not one the list gave out: 400 in the error envelope', async () => {
    const { body: permits } = await api.json(`/api/permits?county_id=${countyId}&limit=10`);
    const permitCursor = (permits as any).pagination.next_cursor as string;
    const forged = Buffer.from(JSON.stringify({ l: 'permits', k: ["2020-01-01'; DROP TABLE permits; --", '1'] })).toString('base64url');
    for (const [path, message] of [
      ['/api/permits?cursor=not*base64', /^cursor: not base64url/],
      [`/api/permits?cursor=${forged}`, /^cursor: not a position in this list/],
      [`/api/properties?cursor=${permitCursor}`, /^cursor: not a cursor of the properties list/],
      [`/api/deals?cursor=${permitCursor}`, /^cursor: not a cursor of the deals list/],
      [`/api/permits?cursor=${permitCursor}&offset=10`, /cursor or offset, not both/],
    ] as const) {
      const { status, body } = await api.json(path);
      assert.equal(status, 400, path);
      assert.equal(body.success, false);
      assert.equal(body.error.code, 'VALIDATION_ERROR');
      assert.match(body.error.message, message, path);
    }
  });
});
