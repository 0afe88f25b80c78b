import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedLargeDataset } from '../../scripts/large-dataset';
import { createTestDatabase, type TestDatabase } from '../support/database';

async function indexDefinitions(database: TestDatabase): Promise<string[]> {
  const { rows } = await database.db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`);
  return rows.map((row) => row.indexdef);
}

/** `npm run seed:large` and `npm run bench api` load this dataset: at a small size it must fit today's schema. */
describe('the large dataset (scripts/large-dataset.ts) on the migrated schema', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('large_dataset');
  });
  after(async () => {
    await database?.drop();
  });

  it('loads every table at a small size, deals with both values and alerts as the outbox keeps them', async () => {
    const size = { counties: 3, permits: 400, properties: 200, leads: 120, listings: 150, deals: 100 };
    const indexesBefore = await indexDefinitions(database);
    const timings = await seedLargeDataset(database.url, size);
    assert.deepEqual(await indexDefinitions(database), indexesBefore, 'the indexes dropped for the load are all built again');
    assert.ok('analyze' in timings);
    const counts = await database.db.query(
      `SELECT (SELECT count(*) FROM counties)::int AS counties, (SELECT count(*) FROM permits)::int AS permits,
              (SELECT count(*) FROM properties)::int AS properties, (SELECT count(*) FROM leads)::int AS leads,
              (SELECT count(*) FROM listings)::int AS listings, (SELECT count(*) FROM deals)::int AS deals`,
    );
    assert.deepEqual(counts.rows[0], size);
    const deals = await database.db.query(`SELECT count(*)::int AS n FROM deals WHERE conservative_value > estimated_value`);
    assert.equal(deals.rows[0].n, 0, 'the lower bound is never above the point estimate');
    const alerts = await database.db.query(`SELECT kind, alert_key, advert_id, price FROM deal_alerts ORDER BY id LIMIT 1`);
    assert.equal(alerts.rows[0].kind, 'deal');
    assert.equal(alerts.rows[0].alert_key, `${alerts.rows[0].advert_id}:${alerts.rows[0].price}`);
  });
});
