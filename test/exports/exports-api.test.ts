import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEAL_EXPORT_COLUMNS, LEAD_EXPORT_COLUMNS } from '../../domain/exports/export-columns';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const LEADS = 300_000;
const FORMULA = '=HYPERLINK("http://evil.invalid","click")';

/** Reads a streamed body chunk by chunk, never holding it whole; calls `onChunk` with each decoded piece. */
async function readStream(response: Response, onChunk: (text: string) => void): Promise<number> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
    onChunk(decoder.decode(value, { stream: true }));
  }
}

/** Splits streamed text into complete lines, keeping the unfinished tail for the next chunk. */
function lineSplitter(onLine: (line: string) => void) {
  let tail = '';
  return (text: string) => {
    const lines = (tail + text).split('\n');
    tail = lines.pop()!;
    for (const line of lines) onLine(line);
  };
}

describe('lead and deal exports (real PostgreSQL, 300,000 leads)', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let api: ReturnType<typeof createTestApi>;
  const countyIds: number[] = [];

  before(async () => {
    database = await createTestDatabase('exports');
    temporal = await connectTestTemporal();
    api = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('exports') });
    const { db } = database;
    const counties = await db.query<{ id: number }>(
      `INSERT INTO counties (name, agency_name, app_id, app_secret_encrypted, username, password_encrypted)
       SELECT 'County ' || i, 'AGENCY' || i, 'app', 'secret', 'user', 'password' FROM generate_series(1, 2) AS i RETURNING id`,
    );
    countyIds.push(...counties.rows.map((row) => Number(row.id)));
    await db.query(
      `INSERT INTO properties (county_id, normalized_address, address)
       SELECT ($2::bigint[])[1 + i % 2], 'addr-' || i, i || ' Main St' FROM generate_series(1, $1) AS i`,
      [LEADS, countyIds],
    );
    // Every 1,000th owner name is a formula; notes carry commas and quotes for the CSV quoting.
    await db.query(
      `INSERT INTO leads (county_id, property_id, score, tier, owner_name, owner_phone, address, city, state, postal_code, notes, sync_status)
       SELECT p.county_id, p.id, s.score,
              CASE WHEN s.score >= 80 THEN 'HOT' WHEN s.score >= 60 THEN 'WARM' WHEN s.score >= 40 THEN 'COOL' ELSE 'COLD' END,
              CASE WHEN p.id % 1000 = 0 THEN $1 ELSE 'Owner ' || p.id END, '+1 727 555 ' || lpad((p.id % 10000)::text, 4, '0'),
              p.address, 'Clearwater', 'FL', '33755', 'called, said "maybe"', 'pending'
         FROM properties p, LATERAL (SELECT (p.id * 37 % 101)::int AS score) s`,
      [FORMULA],
    );
    await db.query(
      `INSERT INTO listings (advert_id, make, model, title, subtitle, price, seller_type, location, url)
       SELECT '2026010100' || lpad(i::text, 5, '0'), 'Ford', CASE WHEN i % 2 = 0 THEN 'Fiesta' ELSE 'Focus' END,
              CASE WHEN i = 7 THEN '@SUM(1+1)*cmd' ELSE 'Ford car' END, '1.0 EcoBoost', 5000 + i, 'trade', 'Leeds (3 miles)', 'https://www.autotrader.co.uk/car-details/' || i
         FROM generate_series(1, 300) AS i`,
    );
    await db.query(
      `INSERT INTO deals (advert_id, make, model, price, estimated_value, conservative_value, confidence_level, profit_margin, rating, sample_size, confidence, sample_summary)
       SELECT advert_id, make, model, price, price + 500, price + 300, 0.95, ((row_number() OVER (ORDER BY advert_id)) % 50 - 10) / 100.0, 'good', 10, 0.5, '{}' FROM listings`,
    );
  });
  after(async () => {
    await temporal?.teardown();
    await database?.drop();
  });

  it('streams all 300,000 leads as CSV with the heap flat (its growth a small fraction of the data size)', async () => {
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let peakGrowth = 0;
    let lines = 0;
    let header = '';
    let formulaLines = 0;
    let rawFormulaCells = 0;
    let lastScore = Infinity;
    const response = await api.call('/api/leads/export');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/csv/);
    assert.match(response.headers.get('content-disposition')!, /attachment; filename="leads\.csv"/);
    const bytes = await readStream(
      response,
      lineSplitter((line) => {
        if (lines++ === 0) return void (header = line);
        const cells = line.split(',');
        const score = Number(cells[3]);
        assert.ok(score <= lastScore, 'best score first');
        lastScore = score;
        if (line.includes('HYPERLINK')) {
          formulaLines += 1;
          assert.ok(line.includes(`"'=HYPERLINK(""http://evil.invalid"",""click"")"`), line);
        }
        if (/(^|,)"?=/.test(line)) rawFormulaCells += 1;
        if (lines % 20_000 === 0) {
          collectGarbage();
          peakGrowth = Math.max(peakGrowth, process.memoryUsage().heapUsed - baseline);
        }
      }),
    );
    assert.equal(header, LEAD_EXPORT_COLUMNS.map((column) => column.name).join(','));
    assert.equal(lines - 1, LEADS);
    assert.equal(formulaLines, LEADS / 1000);
    assert.equal(rawFormulaCells, 0, 'no cell starts with =');
    assert.ok(bytes > 30_000_000, `${bytes} bytes exported`);
    // Holding the export would need at least its own size; streaming holds a few cursor batches.
    assert.ok(peakGrowth < bytes / 10, `heap grew ${Math.round(peakGrowth / 2 ** 20)} MB for ${Math.round(bytes / 2 ** 20)} MB exported`);
  });

  it('takes the list filters and answers JSON lines for Accept: application/x-ndjson, values unmodified', async () => {
    const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads WHERE tier = 'HOT' AND county_id = $1`, [countyIds[0]]);
    const response = await api.call(`/api/leads/export?tier=HOT&county_id=${countyIds[0]}`, { headers: { accept: 'application/x-ndjson' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^application\/x-ndjson/);
    let records = 0;
    let formulas = 0;
    await readStream(
      response,
      lineSplitter((line) => {
        const lead = JSON.parse(line);
        records += 1;
        assert.deepEqual(Object.keys(lead), LEAD_EXPORT_COLUMNS.map((column) => column.name));
        assert.equal(lead.tier, 'HOT');
        assert.equal(lead.county_id, countyIds[0]);
        if (lead.owner_name === FORMULA) formulas += 1;
        assert.match(lead.owner_phone, /^\+1 727/, 'JSON lines are not neutralised');
      }),
    );
    assert.equal(records, rows[0]!.n);
    assert.ok(formulas > 0);
  });

  it('refuses a bad filter with 400, as the list does', async () => {
    const response = await api.json('/api/leads/export?tier=LUKEWARM');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'VALIDATION_ERROR');
    assert.equal((await api.json('/api/deals/export?min_margin=lots')).status, 400);
  });

  it('gives the connection back when the client hangs up mid-export', async () => {
    const response = await api.call('/api/leads/export');
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const deadline = Date.now() + 10_000;
    while (database.db.idleCount !== database.db.totalCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(database.db.idleCount, database.db.totalCount, 'no pool connection still checked out');
    const { rows } = await database.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT * FROM leads%' AND state = 'active'`);
    assert.equal(rows[0].n, 0);
  });

  it('exports deals as CSV, best margin first, filtered like the list, source text made safe (not taken for an advert id)', async () => {
    const response = await api.call('/api/deals/export?model=Fiesta&min_margin=0.1');
    assert.equal(response.status, 200);
    const lines: string[] = [];
    await readStream(response, lineSplitter((line) => lines.push(line)));
    assert.equal(lines[0], DEAL_EXPORT_COLUMNS.map((column) => column.name).join(','));
    const { rows } = await database.db.query<{ advert_id: string }>(
      `SELECT advert_id FROM deals WHERE model = 'Fiesta' AND profit_margin >= 0.1 ORDER BY profit_margin DESC, advert_id DESC`,
    );
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[0]), rows.map((row) => row.advert_id));
    const all: string[] = [];
    await readStream(await api.call('/api/deals/export'), lineSplitter((line) => all.push(line)));
    assert.equal(all.length, 301);
    assert.ok(all.some((line) => line.includes(",'@SUM(1+1)*cmd,")), 'title starting with @ neutralised');
    assert.ok(all.some((line) => /,-0\.1,/.test(line)), 'a negative margin is a number, not neutralised');
  });
});
