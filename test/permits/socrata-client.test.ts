import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SocrataClient } from '../../clients/socrata/client';
import { SocrataError } from '../../clients/socrata/errors';
import { viewSchema } from '../../clients/socrata/schemas';
import { classifyTrades } from '../../domain/permits/trades';
import { groundTruth } from '../../simulators/open-data-permits';
import { startSocrataSimulator } from '../../simulators/socrata/server';
import { serveRecordedResponses } from './fixture-server';
import { sharedFixture } from '../support/shared-reference';

const OPTIONS = { timeoutMs: 5000, maxRateLimitRetries: 0, requestsPerSecond: 1000, backoffMs: 10 };
const page1 = sharedFixture('socrata/xmunoz-sodapy__tests-test_data__bike_counts_page_1.json');
const page2 = sharedFixture('socrata/xmunoz-sodapy__tests-test_data__bike_counts_page_2.json');
const forbidden = sharedFixture('socrata/xmunoz-sodapy__tests-test_data__403_response_json.txt.json');
const rowsExport = sharedFixture('socrata/pkaushik-mi-parque-appengine__war-data-gis-not-yet-used__bike_racks_little_village.rows.json');

async function rejection(promise: Promise<unknown>): Promise<SocrataError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SocrataError, String(error));
    return error;
  }
  assert.fail('expected a SocrataError');
}

describe('Socrata client on recorded responses', { skip: page1.skip || page2.skip || forbidden.skip || rowsExport.skip }, () => {
  it('pages by $offset until the short page (sodapy fixtures 1–2: 1000 rows, then 1), values as strings in the \\n, layout', async () => {
    const server = await serveRecordedResponses({
      'GET /resource/abcd-1234.json': (req: IncomingMessage, res: ServerResponse) => {
        const offset = new URL(req.url!, 'http://x').searchParams.get('$offset');
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
        res.end(readFileSync(offset === '0' ? page1.path! : page2.path!));
      },
    });
    try {
      const client = new SocrataClient({ baseUrl: server.url, datasetId: 'abcd-1234' }, OPTIONS);
      const first = await client.rows({ order: ':id', limit: 1000, offset: 0 });
      const second = await client.rows({ order: ':id', limit: 1000, offset: 1000 });
      assert.equal(first.length, 1000);
      assert.equal(second.length, 1);
      assert.deepEqual(first[0], { id: '100009424', date: '2016-09-21T15:45:00.000', counts: '100', status: '0' });
      const sent = new URL(server.seen[1]!.url, 'http://x').searchParams;
      assert.deepEqual([sent.get('$order'), sent.get('$limit'), sent.get('$offset')], [':id', '1000', '1000']);
      assert.equal(server.seen[0]!.headers['x-app-token'], undefined);
    } finally {
      await server.close();
    }
  });

  it('reads the recorded 403 body as a typed, non-retryable refusal', async () => {
    const server = await serveRecordedResponses({
      'GET /resource/abcd-1234.json': (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(readFileSync(forbidden.path!));
      },
    });
    try {
      const error = await rejection(new SocrataClient({ baseUrl: server.url, datasetId: 'abcd-1234', appToken: 't0ken' }, OPTIONS).rows({ order: ':id', limit: 10, offset: 0 }));
      assert.equal(error.kind, 'forbidden');
      assert.equal(error.retryable, false);
      assert.match(error.message, /You must be logged in/);
      assert.equal(server.seen[0]!.headers['x-app-token'], 't0ken');
    } finally {
      await server.close();
    }
  });

  it('reads the recorded view metadata (meta.view of a rows.json export): columns and rowsUpdatedAt in epoch seconds', () => {
    const view = viewSchema.parse(JSON.parse(readFileSync(rowsExport.path!, 'utf8')).meta.view);
    assert.equal(view.id, 'wqi3-vy2p');
    assert.equal(view.rowsUpdatedAt, 1313894851);
    assert.ok(view.columns.some((column) => column.fieldName === 'address' && column.dataTypeName === 'text'));
    assert.ok(view.columns.some((column) => column.fieldName === 'updated_at' && column.dataTypeName === 'meta_data'));
  });
});

describe('Socrata client against the simulator', () => {
  let sim: Awaited<ReturnType<typeof startSocrataSimulator>>;
  const datasetId = 'perm-1tsx';
  before(async () => {
    sim = await startSocrataSimulator({ datasetId, permits: 1200, fromYear: 2020, toYear: 2024, malformedRows: 4, anonymousLimit: { requests: 5, windowMs: 60_000 } });
  });
  after(async () => sim?.close());

  const client = (appToken: string | null = 'sandbox-token') => new SocrataClient({ baseUrl: sim.url, datasetId, appToken }, OPTIONS);

  it('pages a year window ordered by :id to exactly the ground truth, and counts it the same', async () => {
    const where = "applieddate >= '2022-01-01T00:00:00' AND applieddate < '2023-01-01T00:00:00'";
    const rows = [];
    for (let offset = 0; ; offset += 100) {
      const page = await client().rows({ select: ':*,*', where, order: ':id', limit: 100, offset });
      rows.push(...page);
      if (page.length < 100) break;
    }
    const truth = groundTruth(sim.simulator.permits, '2022-01-01', '2023-01-01');
    assert.equal(rows.length, truth.permitNumbers.length + truth.rejected);
    assert.equal(await client().count(where), rows.length);
    assert.deepEqual(rows.map((row) => row[':id']), [...rows.map((row) => row[':id'])].sort());
    assert.ok(rows.every((row) => typeof row.applieddate === 'string' && row.applieddate.startsWith('2022-')));
    // Null values are left out, as Socrata does.
    assert.ok(rows.some((row) => !('issueddate' in row)));
    // The simulator's labels agree with the classifier.
    const wrong = rows.filter((row) => {
      const permit = sim.simulator.permits.find((candidate) => candidate.rowId === row[':id'])!;
      return classifyTrades({ permitType: String(row.permittype), description: String(row.description) }).trades.includes('hvac') !== permit.hvac;
    });
    assert.deepEqual(wrong, []);
  });

  it('reads the view metadata: columns with system fields and rowsUpdatedAt', async () => {
    const view = await client().view();
    assert.equal(view.id, datasetId);
    assert.ok(view.columns.some((column) => column.fieldName === ':updated_at'));
    assert.ok(view.columns.some((column) => column.fieldName === 'permitnum'));
    assert.ok(typeof view.rowsUpdatedAt === 'number' && view.rowsUpdatedAt > 1_600_000_000);
  });

  it('fails typed: unknown column (not retryable, names it), unknown dataset, throttled without an app token (retryable)', async () => {
    const noColumn = await rejection(client().rows({ where: "permit_no = 'X'", order: ':id', limit: 1, offset: 0 }));
    assert.deepEqual([noColumn.kind, noColumn.code, noColumn.retryable, noColumn.httpStatus], ['no_such_column', 'query.soql.no-such-column', false, 400]);
    assert.match(noColumn.message, /permit_no/);
    const unknown = await rejection(new SocrataClient({ baseUrl: sim.url, datasetId: 'zzzz-9999' }, OPTIONS).view());
    assert.deepEqual([unknown.kind, unknown.retryable], ['not_found', false]);
    const anonymous = client(null);
    let throttled: SocrataError | null = null;
    for (let attempt = 0; attempt < 10 && !throttled; attempt += 1) {
      throttled = await anonymous.rows({ order: ':id', limit: 1, offset: 0 }).then(() => null, (error: SocrataError) => error);
    }
    assert.ok(throttled, 'never throttled without an app token');
    assert.deepEqual([throttled.kind, throttled.retryable, throttled.httpStatus], ['throttled', true, 429]);
    // With a token the same requests pass.
    for (let attempt = 0; attempt < 3; attempt += 1) await client().rows({ order: ':id', limit: 1, offset: 0 });
  });

  it('waits out a 429 and retries within its budget', async () => {
    const patient = new SocrataClient({ baseUrl: sim.url, datasetId, appToken: 'token' }, { ...OPTIONS, maxRateLimitRetries: 3 });
    sim.simulator.faults.setRates({ rateLimited: 0.5 });
    try {
      for (let page = 0; page < 5; page += 1) assert.equal((await patient.rows({ order: ':id', limit: 10, offset: page * 10 })).length, 10);
    } finally {
      sim.simulator.faults.setRates({});
    }
    assert.ok(sim.simulator.faults.counts['rate-limited'] > 0);
  });

  it('rejects a $limit above 50,000 and a malformed $where as a bad query', async () => {
    const tooMany = await rejection(client().rows({ order: ':id', limit: 50_001, offset: 0 }));
    assert.deepEqual([tooMany.kind, tooMany.retryable], ['bad_query', false]);
    const malformed = await rejection(client().rows({ where: 'applieddate >>> 3', order: ':id', limit: 1, offset: 0 }));
    assert.equal(malformed.kind, 'bad_query');
  });
});
