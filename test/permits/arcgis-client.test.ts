import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { ArcGisClient, sqlDate } from '../../clients/arcgis/client';
import { ArcGisError } from '../../clients/arcgis/errors';
import { objectIdFieldOf, supportsPagination } from '../../clients/arcgis/schemas';
import { EXAMPLE_MAPPINGS } from '../../domain/permits/example-mappings';
import { readMappedPermit, readSourceDate } from '../../domain/permits/open-data-record';
import { startArcGisSimulator } from '../../simulators/arcgis/server';
import { groundTruth } from '../../simulators/open-data-permits';
import { serveRecordedResponses } from './fixture-server';
import { sharedFixture } from '../support/shared-reference';

const OPTIONS = { timeoutMs: 5000, maxRateLimitRetries: 0, requestsPerSecond: 1000, backoffMs: 10 };
const LAYER = '/arcgis/rest/services/Permits/FeatureServer/0';
const fixture = (name: string) => sharedFixture(`arcgis/openaddresses-pyesridump__tests-fixtures-${name}`);
const esriTestMetadata = fixture('us-esri-test__us-esri-test-metadata.json');
const polkMetadata = fixture('us-fl-polk__us-fl-polk-metadata.json');
const polkCount = fixture('us-fl-polk__us-fl-polk-count-only.json');
const polkIds = fixture('us-fl-polk__us-fl-polk-ids-only.json');
const cookPage = fixture('us-il-cook__page-partial.json');
const carsonPage = fixture('us-ca-carson__us-ca-carson-0.json');
const skip = [esriTestMetadata, polkMetadata, polkCount, polkIds, cookPage, carsonPage].map((file) => file.skip).find(Boolean) ?? false;

const answer = (status: number, body: string | object) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

async function withLayer(routes: Record<string, string | ((req: IncomingMessage, res: ServerResponse) => void)>, test: (client: ArcGisClient, seen: Array<{ body: string; url: string }>) => Promise<void>, token?: string) {
  const server = await serveRecordedResponses(routes);
  try {
    await test(new ArcGisClient({ layerUrl: `${server.url}${LAYER}`, token }, OPTIONS), server.seen);
  } finally {
    await server.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<ArcGisError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ArcGisError, String(error));
    return error;
  }
  assert.fail('expected an ArcGisError');
}

describe('ArcGIS client on recorded responses', { skip }, () => {
  it('reads 10.3 layer metadata (A1): paging supported, maxRecordCount 1000, objectIdField', async () => {
    await withLayer({ [`GET ${LAYER}`]: esriTestMetadata.path! }, async (client, seen) => {
      const layer = await client.layer();
      assert.equal(supportsPagination(layer), true);
      assert.equal(layer.maxRecordCount, 1000);
      assert.equal(objectIdFieldOf(layer), 'objectid');
      assert.ok(layer.fields?.some((field) => field.name === 'observed' && field.type === 'esriFieldTypeDate'));
      assert.match(seen[0]!.url, /f=json/);
    });
  });

  it('reads 10.22 layer metadata (A2): no pagination, no objectIdField — the OID field is found by type', async () => {
    await withLayer({ [`GET ${LAYER}`]: polkMetadata.path! }, async (client) => {
      const layer = await client.layer();
      assert.equal(supportsPagination(layer), false);
      assert.equal(layer.objectIdField, undefined);
      assert.equal(objectIdFieldOf(layer), 'OBJECTID');
      assert.equal(layer.fields?.length, 58);
    });
  });

  it('reads returnCountOnly (A3) and returnIdsOnly without objectIdFieldName (A4), POSTing the query form', async () => {
    await withLayer({ [`POST ${LAYER}/query`]: polkCount.path! }, async (client, seen) => {
      assert.equal(await client.count('1=1'), 338142);
      const form = new URLSearchParams(seen[0]!.body);
      assert.deepEqual([form.get('where'), form.get('returnCountOnly'), form.get('f'), form.get('token')], ['1=1', 'true', 'json', 't0k']);
    }, 't0k');
    await withLayer({ [`POST ${LAYER}/query`]: polkIds.path! }, async (client) => {
      assert.deepEqual(await client.objectIds('1=1'), Array.from({ length: 10 }, (_, i) => 3345100 + i));
    });
  });

  it('reads an old page without fields or exceededTransferLimit (A5) and its string dates', async () => {
    await withLayer({ [`POST ${LAYER}/query`]: cookPage.path! }, async (client) => {
      const page = await client.features({ where: '1=1', outFields: '*', objectIds: [2196, 3442] });
      assert.equal(page.fields, undefined);
      assert.equal(page.exceededTransferLimit, undefined);
      assert.deepEqual(page.features.map((feature) => feature.attributes.OBJECTID), [2196, 3442]);
      assert.deepEqual(readSourceDate(page.features[0]!.attributes.LAST_EDIT, { timeZone: 'America/Chicago', today: '2026-12-03' }), { ok: true, date: '2006-04-21' });
    });
  });

  it('reads a page with esriFieldTypeDate fields (A6): a null date is no date', async () => {
    await withLayer({ [`POST ${LAYER}/query`]: carsonPage.path! }, async (client) => {
      const page = await client.features({ where: '1=1', outFields: '*' });
      assert.equal(page.features.length, 6);
      assert.equal(page.features[0]!.attributes.ADDRESS, '555 E CARSON ST 122');
      assert.ok(page.fields?.some((field) => field.name === 'Edit_Date' && field.type === 'esriFieldTypeDate'));
      assert.deepEqual(readSourceDate(page.features[0]!.attributes.Edit_Date, { timeZone: 'America/Los_Angeles', today: '2026-12-03' }), { ok: true, date: null });
    });
  });
});

describe('ArcGIS client failures', () => {
  it('reads an error in a 200 body as a typed failure: bad query, expired and missing token are not retryable, 5xx is', async () => {
    const cases: Array<[object, string, boolean]> = [
      [{ error: { code: 400, message: 'Unable to complete operation.', details: ['Unable to perform query operation.'] } }, 'bad_query', false],
      [{ error: { code: 498, message: 'Invalid token.', details: [] } }, 'token_invalid', false],
      [{ error: { code: 499, message: 'Token Required', details: [] } }, 'token_required', false],
      [{ error: { code: 500, message: 'Error performing query operation', details: [] } }, 'server', true],
    ];
    for (const [body, kind, retryable] of cases) {
      await withLayer({ [`POST ${LAYER}/query`]: answer(200, body) }, async (client) => {
        const error = await rejection(client.features({ where: 'NOPE > 1', outFields: '*' }));
        assert.deepEqual([error.kind, error.retryable], [kind, retryable], JSON.stringify(body));
      });
    }
  });

  it('treats a body with neither features nor error, a non-JSON 502 and a bad layer URL as failures, never an empty page', async () => {
    await withLayer({ [`POST ${LAYER}/query`]: answer(200, { hello: 'world' }) }, async (client) => {
      assert.equal((await rejection(client.features({ where: '1=1', outFields: '*' }))).kind, 'invalid_response');
    });
    await withLayer({ [`POST ${LAYER}/query`]: answer(502, '<html>Bad Gateway</html>') }, async (client) => {
      const error = await rejection(client.features({ where: '1=1', outFields: '*' }));
      assert.deepEqual([error.kind, error.retryable], ['server', true]);
    });
    assert.throws(() => new ArcGisClient({ layerUrl: 'https://example.invalid/arcgis/rest/services/Permits' }, OPTIONS), /not a layer URL/);
  });
});

describe('ArcGIS client against the simulator', () => {
  const mapping = EXAMPLE_MAPPINGS.miami.mapping;
  const context = { timeZone: 'America/New_York', today: '2026-12-03' };
  const window = `ApplicationDate >= ${sqlDate('2022-01-01')} AND ApplicationDate < ${sqlDate('2023-01-01')}`;

  it('pages a year window by resultOffset while exceededTransferLimit is true, to exactly the ground truth', async () => {
    const sim = await startArcGisSimulator({ permits: 1500, fromYear: 2020, toYear: 2024, malformedRows: 4, maxRecordCount: 100 });
    try {
      const client = new ArcGisClient({ layerUrl: sim.layerUrl }, OPTIONS);
      const layer = await client.layer();
      assert.equal(supportsPagination(layer), true);
      const rows: Array<Record<string, unknown>> = [];
      let pages = 0;
      for (let offset = 0; ; offset += layer.maxRecordCount!) {
        const page = await client.features({ where: window, outFields: '*', orderByFields: 'OBJECTID ASC', resultOffset: offset, resultRecordCount: layer.maxRecordCount! });
        pages += 1;
        rows.push(...page.features.map((feature) => feature.attributes));
        if (!page.exceededTransferLimit) break;
      }
      const truth = groundTruth(sim.simulator.permits, '2022-01-01', '2023-01-01');
      assert.equal(rows.length, await client.count(window));
      assert.equal(pages, Math.ceil(rows.length / 100));
      // Also check a normalised window: epoch-ms dates read in the jurisdiction's zone land on the permit's own day.
      const parsed = rows.map((row) => readMappedPermit(row, { ...mapping, pull_date: 'ApplicationDate', applied_date: 'ApplicationDate' }, context));
      const loaded = parsed.filter((result) => result.ok);
      assert.deepEqual(loaded.map((result) => result.fields.permitNumber).sort(), [...truth.permitNumbers].sort());
      assert.equal(parsed.length - loaded.length, truth.rejected);
      assert.equal(loaded.filter((result) => result.fields.isHvac).length, truth.hvac);
      const first = loaded[0]!;
      assert.equal(first.fields.appliedDate, sim.simulator.permits.find((permit) => permit.permitNumber === first.fields.permitNumber)!.appliedDate);
    } finally {
      await sim.close();
    }
  });

  it('on a layer without pagination takes every id, then objectIds chunks of maxRecordCount', async () => {
    const sim = await startArcGisSimulator({ permits: 600, fromYear: 2020, toYear: 2024, maxRecordCount: 50, supportsPagination: false });
    try {
      const client = new ArcGisClient({ layerUrl: sim.layerUrl }, OPTIONS);
      const layer = await client.layer();
      assert.equal(supportsPagination(layer), false);
      assert.equal((await rejection(client.features({ where: '1=1', outFields: '*', resultOffset: 0, resultRecordCount: 10 }))).kind, 'bad_query');
      const ids = await client.objectIds(window);
      const fetched: number[] = [];
      for (let start = 0; start < ids.length; start += layer.maxRecordCount!) {
        const page = await client.features({ where: '1=1', outFields: 'OBJECTID,PermitNumber', objectIds: ids.slice(start, start + layer.maxRecordCount!) });
        fetched.push(...page.features.map((feature) => Number(feature.attributes.OBJECTID)));
      }
      assert.deepEqual(fetched, ids);
      assert.equal(ids.length, groundTruth(sim.simulator.permits, '2022-01-01', '2023-01-01').permitNumbers.length);
    } finally {
      await sim.close();
    }
  });

  it('answers a secured layer 499 without a token and 498 with a wrong one; an unknown field is a 400 in a 200 body', async () => {
    const sim = await startArcGisSimulator({ permits: 10, token: 'right' });
    try {
      const query = (token?: string) => new ArcGisClient({ layerUrl: sim.layerUrl, token }, OPTIONS).count('1=1');
      assert.equal((await rejection(query())).kind, 'token_required');
      assert.equal((await rejection(query('wrong'))).kind, 'token_invalid');
      assert.equal(await query('right'), 10);
      const unknown = await rejection(new ArcGisClient({ layerUrl: sim.layerUrl, token: 'right' }, OPTIONS).count('Permit_No = 1'));
      assert.deepEqual([unknown.kind, unknown.code, unknown.retryable], ['bad_query', 400, false]);
      assert.match(unknown.message, /Permit_No/);
    } finally {
      await sim.close();
    }
  });
});
