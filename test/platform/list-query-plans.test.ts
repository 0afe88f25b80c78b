import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ListQuery } from '../../platform/list-query';
import { leadListQuery } from '../../services/permits/leads';
import { permitListQuery, propertyListQuery } from '../../services/permits/permits';
import { alertListQuery, dealListQuery } from '../../stores/listings/deal-queries';
import { scrapeRunListQuery } from '../../stores/listings/scrape-runs';
import { jobListQuery } from '../../stores/permits/job-store';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Issue 11 ("The API at size"), the index part: every page of every list endpoint, the first one and one
 * continuing from a cursor half-way down, with and without each filter, reads its rows in order from an
 * index and stops at the page's end, instead of reading and sorting the whole table. The statements are
 * the ones the stores run (their builders are exported for this); the tables hold 20,000 rows each,
 * ANALYZEd, so the planner chooses with real statistics and nothing is forced.
 */

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

const ROWS = 20_000;
const COUNTIES = 4;
const LIMIT = 100;

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

function describePlan(plan: PlanNode, depth = 0): string {
  const target = plan['Index Name'] ?? plan['Relation Name'];
  const line = `${'  '.repeat(depth)}${plan['Node Type']}${target ? ` on ${target}` : ''}`;
  return [line, ...(plan.Plans ?? []).map((child) => describePlan(child, depth + 1))].join('\n');
}

describe('list endpoints read their first page from an index (real PostgreSQL, 20,000 rows a table)', () => {
  let database: TestDatabase;
  const countyIds: number[] = [];

  before(async () => {
    database = await createTestDatabase('list_plans');
    const { db } = database;
    const counties = await db.query<{ id: number }>(
      `INSERT INTO counties (name, agency_name, app_id, app_secret_encrypted, username, password_encrypted)
       SELECT 'County ' || i, 'AGENCY' || i, 'app', 'secret', 'user', 'password' FROM generate_series(1, $1) AS i RETURNING id`,
      [COUNTIES],
    );
    countyIds.push(...counties.rows.map((row) => Number(row.id)));
    await db.query(
      `INSERT INTO properties (county_id, normalized_address, address, lead_score, lead_tier)
       SELECT c.ids[1 + i % $2], 'addr-' || i, i || ' Main St', s.score,
              CASE WHEN s.score >= 80 THEN 'HOT' WHEN s.score >= 60 THEN 'WARM' WHEN s.score >= 40 THEN 'COOL' ELSE 'COLD' END
         FROM generate_series(1, $1) AS i, LATERAL (SELECT (i * 37) % 101 AS score) s, (SELECT $3::bigint[] AS ids) c`,
      [ROWS, COUNTIES, countyIds],
    );
    await db.query(
      `INSERT INTO permits (county_id, record_id, opened_date, is_hvac, trades, normalized_address, raw)
       SELECT c.ids[1 + i % $2], 'REC-' || i, timestamp '2015-01-01' + (i * 7919 % 3650) * interval '1 day', i % 3 = 0,
              CASE WHEN i % 3 = 0 THEN ARRAY['hvac'] WHEN i % 3 = 1 THEN ARRAY['roofing', 'electrical'] ELSE '{}' END, 'addr-' || i, '{}'
         FROM generate_series(1, $1) AS i, (SELECT $3::bigint[] AS ids) c`,
      [ROWS, COUNTIES, countyIds],
    );
    await db.query(
      `INSERT INTO leads (county_id, property_id, score, tier, sync_status)
       SELECT county_id, id, lead_score, lead_tier, (ARRAY['pending', 'synced', 'failed', 'skipped'])[1 + id % 4] FROM properties`,
    );
    await db.query(
      `INSERT INTO listings (advert_id, make, model, title, price, seller_type, url)
       SELECT 'ad-' || i, (ARRAY['BMW', 'Audi', 'Ford', 'Honda', 'Toyota'])[1 + i % 5], 'Model ' || (i % 7), 'A car', 1000 + i,
              'private', 'https://example.invalid/' || i
         FROM generate_series(1, $1) AS i`,
      [ROWS],
    );
    await db.query(
      `INSERT INTO deals (advert_id, make, model, price, estimated_value, conservative_value, confidence_level, profit_margin, rating,
                          sample_size, confidence, sample_summary)
       SELECT advert_id, make, model, price, price + 600, price + 500, 0.95, ((hashint4(substr(advert_id, 4)::int) % 10000) / 10000.0)::numeric(8, 4),
              (ARRAY['excellent', 'good', 'negotiation', 'reject'])[1 + abs(hashint4(substr(advert_id, 4)::int)) % 4], 10, 0.5, '{}'
         FROM listings`,
    );
    await db.query(
      `INSERT INTO deal_alerts (kind, alert_key, advert_id, make, model, price, estimated_value, profit_margin, created_at)
       SELECT (ARRAY['deal', 'price_drop', 'median_shift', 'scrape_shortfall'])[1 + abs(hashint4(substr(advert_id, 4)::int)) % 4],
              advert_id || ':' || price, advert_id, make, model, price, estimated_value, profit_margin,
              timestamptz '2026-01-01' + (hashint4(substr(advert_id, 4)::int) % 100000) * interval '1 minute'
         FROM deals`,
    );
    await db.query(
      `INSERT INTO permit_pull_jobs (county_id, job_type, status, created_at)
       SELECT c.ids[1 + i % $2], 'incremental_pull', (ARRAY['completed', 'failed', 'cancelled'])[1 + i % 3], now() - i * interval '1 hour'
         FROM generate_series(1, $1) AS i, (SELECT $3::bigint[] AS ids) c`,
      [ROWS, COUNTIES, countyIds],
    );
    await db.query(
      `INSERT INTO scrape_runs (make, model, workflow_id, status, started_at)
       SELECT (ARRAY['BMW', 'Audi', 'Ford', 'Honda', 'Toyota'])[1 + i % 5], 'Model ' || (i % 7), 'scrape-' || i, 'succeeded',
              now() - i * interval '1 minute'
         FROM generate_series(1, $1) AS i`,
      [ROWS],
    );
    await db.query('VACUUM ANALYZE');
  });
  after(async () => {
    await database?.drop();
  });

  async function planOf(query: { text: string; values: unknown[] }): Promise<PlanNode> {
    const { rows } = await database.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>({
      text: `EXPLAIN (FORMAT JSON) ${query.text}`,
      values: query.values,
    });
    return rows[0]!['QUERY PLAN'][0].Plan;
  }

  /**
   * The page comes from an index on `table`: a Limit over no full read of the table and no sort of more than
   * a small part of it (the planner may fetch the few hundred deals of one model by index and sort those).
   */
  async function assertReadInIndexOrder(query: { text: string; values: unknown[] }, table: string) {
    const plan = await planOf(query);
    const shown = `${describePlan(plan)}\n${query.text}`;
    assert.equal(plan['Node Type'], 'Limit', shown);
    const all = nodes(plan);
    const largeSorts = all.filter((node) => /Sort/.test(node['Node Type']) && node['Plan Rows'] > ROWS / 20);
    assert.deepEqual(largeSorts.map((node) => `${node['Node Type']} of ${node['Plan Rows']} rows`), [], `sorts the rows:\n${shown}`);
    assert.ok(
      all.some((node) => /Index|Bitmap Heap/.test(node['Node Type']) && node['Relation Name'] === table),
      `does not read ${table} through an index:\n${shown}`,
    );
    assert.ok(!all.some((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === table), `reads all of ${table}:\n${shown}`);
  }

  /** The first page, a page by offset, and the page after a cursor taken half-way down the list. */
  async function assertEveryPageReadInIndexOrder(query: ListQuery, table: string) {
    await assertReadInIndexOrder(query.page({ limit: LIMIT }), table);
    await assertReadInIndexOrder(query.page({ limit: LIMIT, offset: 200 }), table);
    const middle = await database.db.query<{ list_position: string[] }>(query.page({ limit: 1, offset: 100 }));
    const position = middle.rows[0]?.list_position;
    assert.ok(position, `the list has more than 100 rows: ${query.page({ limit: 1 }).text}`);
    await assertReadInIndexOrder(query.page({ limit: LIMIT, after: position }), table);
  }

  it('GET /api/permits, all counties and one county, with and without a date range', async () => {
    await assertEveryPageReadInIndexOrder(permitListQuery({}), 'permits');
    await assertEveryPageReadInIndexOrder(permitListQuery({ countyId: countyIds[1] }), 'permits');
    await assertEveryPageReadInIndexOrder(permitListQuery({ countyId: countyIds[1], dateFrom: '2018-01-01', dateTo: '2020-12-31' }), 'permits');
    await assertEveryPageReadInIndexOrder(permitListQuery({ dateFrom: '2018-01-01' }), 'permits');
    await assertEveryPageReadInIndexOrder(permitListQuery({ dateTo: '2020-12-31' }), 'permits');
    await assertEveryPageReadInIndexOrder(permitListQuery({ trade: 'hvac' }), 'permits');
    await assertEveryPageReadInIndexOrder(permitListQuery({ countyId: countyIds[1], trade: 'hvac' }), 'permits');
  });

  it('GET /api/properties, all counties, one county, one county and tier, one tier', async () => {
    await assertEveryPageReadInIndexOrder(propertyListQuery({}), 'properties');
    await assertEveryPageReadInIndexOrder(propertyListQuery({ countyId: countyIds[2] }), 'properties');
    await assertEveryPageReadInIndexOrder(propertyListQuery({ countyId: countyIds[2], tier: 'WARM' }), 'properties');
    await assertEveryPageReadInIndexOrder(propertyListQuery({ tier: 'COOL' }), 'properties');
  });

  it('GET /api/leads, all counties, one county, one county and tier, one tier, one sync status', async () => {
    await assertEveryPageReadInIndexOrder(leadListQuery({}), 'leads');
    await assertEveryPageReadInIndexOrder(leadListQuery({ countyId: countyIds[0] }), 'leads');
    await assertEveryPageReadInIndexOrder(leadListQuery({ countyId: countyIds[0], tier: 'HOT' }), 'leads');
    await assertEveryPageReadInIndexOrder(leadListQuery({ tier: 'COLD' }), 'leads');
    await assertEveryPageReadInIndexOrder(leadListQuery({ syncStatus: 'pending' }), 'leads');
  });

  it('GET /api/deals, unfiltered, by rating, by make and model, by make, by minimum margin', async () => {
    await assertEveryPageReadInIndexOrder(dealListQuery({}), 'deals');
    await assertEveryPageReadInIndexOrder(dealListQuery({ rating: 'excellent' }), 'deals');
    await assertEveryPageReadInIndexOrder(dealListQuery({ make: 'bmw', model: 'model 3' }), 'deals');
    await assertEveryPageReadInIndexOrder(dealListQuery({ make: 'Ford' }), 'deals');
    await assertEveryPageReadInIndexOrder(dealListQuery({ minMargin: 0.5 }), 'deals');
  });

  it('GET /api/alerts, newest first, of every kind or one', async () => {
    await assertEveryPageReadInIndexOrder(alertListQuery(), 'deal_alerts');
    await assertEveryPageReadInIndexOrder(alertListQuery({ kind: 'price_drop' }), 'deal_alerts');
  });

  it('GET /api/background-jobs/counties/{id}/jobs, with and without a status', async () => {
    await assertEveryPageReadInIndexOrder(jobListQuery(countyIds[3]!, {}), 'permit_pull_jobs');
    await assertEveryPageReadInIndexOrder(jobListQuery(countyIds[3]!, { status: 'failed' }), 'permit_pull_jobs');
  });

  it('GET /api/scrape/history, all runs, one make, one make and model', async () => {
    await assertEveryPageReadInIndexOrder(scrapeRunListQuery({}), 'scrape_runs');
    await assertEveryPageReadInIndexOrder(scrapeRunListQuery({ make: 'audi' }), 'scrape_runs');
    await assertEveryPageReadInIndexOrder(scrapeRunListQuery({ make: 'Audi', model: 'model 2' }), 'scrape_runs');
  });
});
