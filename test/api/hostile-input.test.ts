import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ConfigurationError, loadSettings } from '../../config/settings';
import { KNOWN_BRANDS } from '../../domain/registrations/brands';
import { createTestApi, TEST_API_KEY } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

type Schema = Record<string, any>;
interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: Schema; description?: string }[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, Schema> };
}

/** Every schema a client may send (parameters and JSON bodies), with where it is, `$ref`s resolved. */
function requestSchemas(document: OpenApiDocument): { where: string; schema: Schema }[] {
  const found: { where: string; schema: Schema }[] = [];
  const visit = (where: string, schema: Schema | undefined, seen: Set<string>) => {
    if (!schema) return;
    if (schema.$ref) {
      const name = String(schema.$ref).replace('#/components/schemas/', '');
      if (!seen.has(name)) visit(where, document.components.schemas[name], new Set([...seen, name]));
      return;
    }
    found.push({ where, schema });
    for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) visit(`${where}.${name}`, property, seen);
    if (schema.items) visit(`${where}[]`, schema.items, seen);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) for (const part of schema[key] ?? []) visit(where, part, seen);
    if (typeof schema.additionalProperties === 'object') visit(`${where}{}`, schema.additionalProperties, seen);
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const parameter of operation.parameters ?? []) visit(`${method} ${path} ${parameter.in} ${parameter.name}`, parameter.schema, new Set());
      for (const [type, content] of Object.entries(operation.requestBody?.content ?? {})) visit(`${method} ${path} body(${type})`, content.schema, new Set());
    }
  }
  return found;
}

/** Whether a string schema lets a value through, as far as its enum, pattern and `date` format say. */
const stringSchemaAllows = (schema: Schema, value: string) =>
  (!schema.enum || schema.enum.includes(value)) &&
  (!schema.pattern || new RegExp(schema.pattern, 'u').test(value)) &&
  (schema.format !== 'date' || /^\d{4}-\d{2}-\d{2}$/.test(value));

/** A parameter's schema in the document. */
function parameterSchema(document: OpenApiDocument, method: string, path: string, name: string): Schema {
  const parameter = document.paths[path]?.[method]?.parameters?.find((candidate) => candidate.name === name);
  assert.ok(parameter, `${method} ${path} has a parameter ${name}`);
  return { ...parameter.schema, description: parameter.description ?? parameter.schema.description };
}

/** A property's schema in a named request body schema. */
function bodySchema(document: OpenApiDocument, component: string, property: string): Schema {
  const schema = document.components.schemas[component]?.properties?.[property];
  assert.ok(schema, `${component} has a property ${property}`);
  return schema;
}

/** Whether a value of a string parameter or property passes its schema (enum, pattern, length, format's pattern). */
function schemaAllows(schema: Schema, value: string): boolean {
  if (schema.type === 'array') {
    const items = value.split(',');
    return items.length >= (schema.minItems ?? 0) && items.length <= (schema.maxItems ?? Infinity) && items.every((item) => schemaAllows(schema.items, item));
  }
  if (schema.type === 'integer') return /^-?\d+$/.test(value) && Number(value) >= (schema.minimum ?? -Infinity) && Number(value) <= (schema.maximum ?? Infinity);
  if (value.length < (schema.minLength ?? 0) || value.length > (schema.maxLength ?? Infinity)) return false;
  return stringSchemaAllows(schema, value);
}

/** A request over a real socket, for what `app.request` cannot send (TRACE, a declared Content-Length). */
function rawRequest(port: number, options: { method: string; path: string; headers?: Record<string, string | number>; body?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    // The server may answer (413) and close before taking the whole body.
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A body of `totalBytes` produced as it is read, counting what the reader took. */
function countedBody(prefix: string, filler: string, totalBytes: number) {
  const chunk = new TextEncoder().encode(filler.repeat(Math.ceil(65_536 / filler.length)));
  const read = { bytes: 0 };
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = sent === 0 ? new TextEncoder().encode(prefix) : chunk;
      if (sent >= totalBytes) return controller.close();
      sent += next.length;
      read.bytes += next.length;
      controller.enqueue(next);
    },
  });
  return { stream, read };
}

describe('hostile input gets a clear 4xx and loses nothing', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let api: ReturnType<typeof createTestApi>;
  let document: OpenApiDocument;
  let countyId: number;

  const send = (path: string, method: string, body: unknown) =>
    api.json(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const county = (name: string) => ({ name, agency_name: `AGENCY-${name}`, app_id: 'app', app_secret: 'secret', username: 'user', password: 'password' });

  before(async () => {
    database = await createTestDatabase('hostile_input');
    temporal = await connectTestTemporal();
    api = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('hostile-input') });
    document = (await (await api.app.request('/openapi.json')).json()) as OpenApiDocument;
    const created = await send('/api/counties', 'POST', county('Sarasota'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    countyId = created.body.data.id;
  });
  after(async () => {
    await temporal?.teardown();
    await database?.drop();
  });

  describe('NUL characters, which PostgreSQL cannot store', () => {
    it('are refused with 400 naming the field, in bodies, queries and paths alike', async () => {
      const cases: [string, () => ReturnType<typeof send>, RegExp][] = [
        ['POST /api/counties', () => send('/api/counties', 'POST', county('a\u0000b')), /^name: /],
        ['PUT /api/counties/{id}', () => send(`/api/counties/${countyId}`, 'PUT', { name: 'a\u0000b' }), /^name: /],
        ['PUT /api/leads/{id}/notes', () => send('/api/leads/1/notes', 'PUT', { notes: 'call\u0000back' }), /^notes: /],
        ['PUT /api/summit/config', () => send('/api/summit/config', 'PUT', { location_id: 'L1', default_tags: ['hvac', 'a\u0000'] }), /^default_tags\.1: /],
        ['GET /api/deals?make=', () => api.json('/api/deals?make=%00'), /^make: /],
        ['GET /api/scrape/history?model=', () => api.json('/api/scrape/history?model=Fi%00esta'), /^model: /],
        ['GET /api/registrations/cache?region=', () => api.json('/api/registrations/cache?region=%00', { method: 'DELETE' }), /^region: /],
        ['a parameter no route declares', () => api.json('/api/counties?surprise=%00'), /^surprise: /],
        ['a key of a JSON body', () => send('/api/platform/self-test', 'POST', { 'include\u0000browser': true }), /^include\\u0000browser: /],
        ['GET /api/counties/{id}', () => api.json('/api/counties/1%00'), /^(path|id): /],
      ];
      for (const [name, request, field] of cases) {
        const { status, body } = await request();
        assert.equal(status, 400, `${name}: ${JSON.stringify(body)}`);
        assert.equal(body.error.code, 'VALIDATION_ERROR', name);
        assert.match(body.error.message, field, name);
      }
      const { body } = await api.json(`/api/counties/${countyId}`);
      assert.equal(body.data.name, 'Sarasota', 'the refused change left the county as it was');
    });

    it('are found however deep a body nests them, and named briefly', async () => {
      const deep = `${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`;
      const { status, body } = await api.json('/api/leads/1/notes', { method: 'PUT', body: deep, headers: { 'content-type': 'application/json' } });
      assert.equal(status, 400);
      assert.match(body.error.message, /^0\.0\.0\..*…: must not contain the NUL character/);
      assert.ok(body.error.message.length < 200, `a short message: ${body.error.message.length} characters`);
    });

    it('are excluded by every text schema of the OpenAPI document, so a schema-based client never sends them', () => {
      const admitting = requestSchemas(document)
        .filter(({ schema }) => schema.type === 'string' && stringSchemaAllows(schema, 'a\u0000b'))
        .map(({ where }) => where);
      assert.deepEqual(admitting, []);
    });
  });

  describe('ids', () => {
    it('are plain decimal integers in 1 … 2^53-1, in paths, queries and bodies; anything else is 400', async () => {
      const hostile = [`0x${countyId.toString(16)}`, `${countyId}e0`, `${countyId}.0`, `%20${countyId}`, `${countyId}%20`, `+${countyId}`, `0${countyId}`, '-1', '0', '9007199254740992', '99999999999999999999'];
      for (const id of hostile) {
        const { status, body } = await api.json(`/api/counties/${id}`);
        assert.equal(status, 400, `/api/counties/${id}: ${JSON.stringify(body)}`);
        assert.match(body.error.message, /^id: /, id);
      }
      for (const path of ['/api/permits/0x10', '/api/permits/1e3', '/api/properties/1.0', '/api/permits?county_id=0x1', '/api/leads?county_id=1.0', '/api/properties?county_id=%201', '/api/permits?limit=1e2', '/api/deals?page=0x2']) {
        assert.equal((await api.json(path)).status, 400, path);
      }
      assert.equal((await api.json(`/api/counties/${countyId}`)).status, 200);
      assert.equal((await api.json('/api/counties/9007199254740991')).status, 404, 'the largest id is looked up, and PostgreSQL takes it');
      assert.equal((await api.json('/api/permits?county_id=9007199254740991')).status, 200);
    });

    it('in JSON bodies are bounded too', async () => {
      const tooBig = await send('/api/leads/create-from-permits', 'POST', { permit_ids: [2 ** 53] });
      assert.equal(tooBig.status, 400);
      assert.match(tooBig.body.error.message, /^permit_ids\.0: /);
      assert.equal((await send('/api/leads/sync-to-summit', 'POST', { lead_ids: [1.5] })).status, 400);
    });

    it('are documented with their bounds', () => {
      for (const schema of requestSchemas(document).filter(({ schema }) => schema.type === 'integer')) {
        assert.ok(schema.schema.maximum !== undefined && schema.schema.maximum <= Number.MAX_SAFE_INTEGER, `${schema.where} has a maximum`);
        assert.ok(schema.schema.minimum !== undefined, `${schema.where} has a minimum`);
      }
      assert.deepEqual(parameterSchema(document, 'get', '/api/permits/{id}', 'id'), { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, example: 1, description: undefined });
    });
  });

  describe('the OpenAPI document states every rule the API enforces', () => {
    it('refuses, as the API does, unknown regions and brands, blank text, empty time zones and countries, dates out of order', async () => {
      const countyUpdate = (field: string, value: unknown) => () => send(`/api/counties/${countyId}`, 'PUT', { [field]: value });
      const crmConfig = (field: string, value: unknown) => () => send('/api/summit/config', 'PUT', { location_id: 'L1', [field]: value });
      const tooManyBrands = Array.from({ length: KNOWN_BRANDS.size + 1 }, () => 'BMW').join(',');
      const cases: [string, () => ReturnType<typeof send>, Schema, string][] = [
        ['region=0', () => api.json('/api/registrations/lease-expiry?region=0'), parameterSchema(document, 'get', '/api/registrations/lease-expiry', 'region'), '0'],
        ['opportunity region=0', () => api.json('/api/opportunity?region=0'), parameterSchema(document, 'get', '/api/opportunity', 'region'), '0'],
        ['cache region=', () => api.json('/api/registrations/cache?region=', { method: 'DELETE' }), parameterSchema(document, 'delete', '/api/registrations/cache', 'region'), ''],
        ['brands=', () => api.json('/api/registrations/lease-expiry?region=24&brands='), parameterSchema(document, 'get', '/api/registrations/lease-expiry', 'brands'), ''],
        ['brands=TRABANT', () => api.json('/api/registrations/lease-expiry?region=24&brands=TRABANT'), parameterSchema(document, 'get', '/api/registrations/lease-expiry', 'brands'), 'TRABANT'],
        // Found by the API fuzz test: more brands than the documented maxItems, repeating known ones, were taken.
        [`${KNOWN_BRANDS.size + 1} brands`, () => api.json(`/api/registrations/lease-expiry?region=24&brands=${tooManyBrands}`), parameterSchema(document, 'get', '/api/registrations/lease-expiry', 'brands'), tooManyBrands],
        ['blank name', countyUpdate('name', '   '), bodySchema(document, 'CountyUpdate', 'name'), '   '],
        ['blank make filter', () => api.json('/api/deals?make=%20%20'), parameterSchema(document, 'get', '/api/deals', 'make'), '  '],
        ['empty time_zone', countyUpdate('time_zone', ''), bodySchema(document, 'CountyUpdate', 'time_zone'), ''],
        ['unknown time_zone', countyUpdate('time_zone', 'Mars/Olympus'), bodySchema(document, 'CountyUpdate', 'time_zone'), 'Mars/Olympus'],
        ['empty default_phone_country', crmConfig('default_phone_country', ''), bodySchema(document, 'SummitConfigChange', 'default_phone_country'), ''],
        ['short api_token', crmConfig('api_token', '  abcdefg  '), bodySchema(document, 'SummitConfigChange', 'api_token'), '  abcdefg  '],
        ['year 0', () => api.json('/api/permits?date_from=0000-01-01'), parameterSchema(document, 'get', '/api/permits', 'date_from'), '0000-01-01'],
        ['id above 2^53', () => api.json('/api/counties/9007199254740993'), parameterSchema(document, 'get', '/api/counties/{id}', 'id'), '9007199254740993'],
      ];
      for (const [name, request, schema, value] of cases) {
        const { status, body } = await request();
        assert.equal(status, 400, `${name}: ${JSON.stringify(body)}`);
        assert.equal(schemaAllows(schema, value), false, `${name}: the document refuses it too (${JSON.stringify(schema).slice(0, 300)})`);
      }
      const { body } = await api.json(`/api/counties/${countyId}`);
      assert.equal(body.data.name, 'Sarasota');
    });

    it('lists the fleet’s make and model pairs, the only ones a scrape takes', async () => {
      const unknown = await send('/api/scrape', 'POST', { make: 'Ford', model: 'Golf' });
      assert.equal(unknown.status, 400);
      const pairs = document.components.schemas.ScrapeRequest!.anyOf as Schema[] | undefined;
      assert.ok(pairs, 'ScrapeRequest lists the fleet pairs');
      const documented = (make: string, model: string) =>
        pairs.some((pair) => pair.properties.make.enum.includes(make) && pair.properties.model.enum.includes(model));
      assert.equal(documented('Ford', 'Golf'), false);
      assert.equal(documented('Ford', 'Fiesta'), true);
    });

    it('accepts what it documents: the canonical spellings it lists, trimmed text', async () => {
      const region = parameterSchema(document, 'get', '/api/registrations/lease-expiry', 'region');
      assert.ok(schemaAllows(region, '24') && schemaAllows(region, 'ŚLĄSKIE') && schemaAllows(region, 'SLASKIE'));
      const renamed = await send(`/api/counties/${countyId}`, 'PUT', { name: '  Sarasota  ', time_zone: 'America/Chicago' });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.equal(renamed.body.data.name, 'Sarasota');
      assert.ok(schemaAllows(bodySchema(document, 'CountyUpdate', 'name'), '  Sarasota  '));
      assert.ok(schemaAllows(bodySchema(document, 'CountyUpdate', 'time_zone'), 'America/Chicago'));
    });

    it('describes paired and ordered parameters, which stay 400s', async () => {
      assert.match(parameterSchema(document, 'get', '/api/permits', 'date_from').description ?? '', /date_to/);
      assert.match(parameterSchema(document, 'get', '/api/permits', 'date_to').description ?? '', /date_from/);
      const incremental = (parameters: object) => send(`/api/background-jobs/counties/${countyId}/jobs`, 'POST', { job_type: 'incremental_pull', parameters });
      const unpaired = await incremental({ date_from: '2024-01-01' });
      assert.equal(unpaired.status, 400);
      const reversed = await incremental({ date_from: '2024-02-01', date_to: '2024-01-01' });
      assert.equal(reversed.status, 400);
      assert.match(reversed.body.error.message, /date_from: /);
      assert.equal((await api.json('/api/permits?date_from=2024-02-01&date_to=2024-01-01')).status, 400);
      const jobParameters = (document.components.schemas.PermitJobRequest!.oneOf as Schema[])[1]!.properties.parameters;
      assert.match(jobParameters.properties.date_from.description, /both or neither/);
      assert.deepEqual(jobParameters.anyOf, [{ required: ['date_from', 'date_to'] }, { not: { anyOf: [{ required: ['date_from'] }, { required: ['date_to'] }] } }], 'and says it in JSON Schema');
      assert.match(jobParameters.properties.date_from.description, /not after date_to/);
      assert.match(bodySchema(document, 'PullPermitsRequest', 'date_from').description, /not after date_to/);
    });
  });

  describe('request size', () => {
    const MEBIBYTE = 1_048_576;

    it('refuses a body over API_MAX_BODY_BYTES (default 1 MiB) with 413 while it arrives, before parsing it', async () => {
      assert.equal(api.settings.API_MAX_BODY_BYTES, MEBIBYTE);
      const { stream, read } = countedBody('{"name":"', 'x', 20 * MEBIBYTE);
      const response = await api.call('/api/counties', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
      assert.equal(response.status, 413);
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'PAYLOAD_TOO_LARGE');
      assert.ok(read.bytes < 2 * MEBIBYTE, `read ${read.bytes} bytes of 20 MiB`);
    });

    it('refuses ten million lead ids with 413, and more than the documented maxItems with 400', async () => {
      const huge = await api.json('/api/leads/sync-to-summit', { method: 'POST', body: `{"lead_ids":[${'1,'.repeat(10_000_000)}1]}`, headers: { 'content-type': 'application/json' } });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, 'PAYLOAD_TOO_LARGE');
      const maxItems = bodySchema(document, 'SummitSyncRequest', 'lead_ids').maxItems as number;
      const tooMany = await send('/api/leads/sync-to-summit', 'POST', { lead_ids: Array.from({ length: maxItems + 1 }, (_, index) => index + 1) });
      assert.equal(tooMany.status, 400);
      assert.match(tooMany.body.error.message, /^lead_ids: /);
    });

    it('answers a declared Content-Length over the limit at once, over a real socket', async () => {
      const server = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: 0 });
      try {
        await new Promise<void>((resolve) => server.once('listening', () => resolve()));
        const { port } = server.address() as AddressInfo;
        const body = `{"notes":"${'x'.repeat(2 * MEBIBYTE)}"}`;
        const response = await rawRequest(port, {
          method: 'PUT', path: '/api/leads/1/notes', body,
          headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        });
        assert.equal(response.status, 413);
        assert.equal(JSON.parse(response.body).error.code, 'PAYLOAD_TOO_LARGE');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('takes its limit from API_MAX_BODY_BYTES', async () => {
      const small = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('hostile-small'), env: { API_MAX_BODY_BYTES: '100' } });
      const refused = await small.json('/api/counties', { method: 'POST', body: JSON.stringify(county('x'.repeat(100))), headers: { 'content-type': 'application/json' } });
      assert.equal(refused.status, 413);
      const allowed = await small.json('/api/counties', { method: 'POST', body: '{"name":""}', headers: { 'content-type': 'application/json' } });
      assert.equal(allowed.status, 400, 'a body within the limit reaches validation');
    });

    it('documents a maxItems on every array a client sends', () => {
      const unbounded = requestSchemas(document).filter(({ schema }) => schema.type === 'array' && schema.maxItems === undefined).map(({ where }) => where);
      assert.deepEqual(unbounded, []);
    });
  });

  describe('methods and media types', () => {
    it('answers a method a path does not have with 405 and the methods it has in Allow', async () => {
      const listed = await api.call('/api/counties', { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(listed.status, 405);
      assert.deepEqual(listed.headers.get('allow')?.split(', ').sort(), ['GET', 'HEAD', 'OPTIONS', 'POST']);
      const body = (await listed.json()) as { success: boolean; data: null; error: { code: string } };
      assert.deepEqual([body.success, body.data, body.error.code], [false, null, 'METHOD_NOT_ALLOWED']);
      const one = await api.call(`/api/counties/${countyId}`, { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(one.status, 405);
      assert.deepEqual(one.headers.get('allow')?.split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']);
      assert.equal((await api.call('/api/no-such-thing', { method: 'PATCH' })).status, 404, 'a path that does not exist stays 404');
    });

    it('answers a method a fixed path lacks with 405, though a path with an {id} there has it (found by the API fuzz test)', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await api.call('/api/counties/test-credentials', { method });
        assert.equal(response.status, 405, `${method} /api/counties/test-credentials`);
        assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'METHOD_NOT_ALLOWED');
      }
      assert.equal((await api.call('/api/counties/abc')).status, 400, 'an id that is no fixed path is still looked at as an id');
    });

    it('answers TRACE with 405 over a real socket', async () => {
      const server = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: 0 });
      try {
        await new Promise<void>((resolve) => server.once('listening', () => resolve()));
        const { port } = server.address() as AddressInfo;
        const response = await rawRequest(port, { method: 'TRACE', path: '/api/counties', headers: { 'x-api-key': TEST_API_KEY } });
        assert.equal(response.status, 405);
        assert.match(String(response.headers.allow), /GET/);
        assert.equal(JSON.parse(response.body).error.code, 'METHOD_NOT_ALLOWED');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('refuses a request without the body its operation requires with 400, and changes nothing (found by the API fuzz test)', async () => {
      const requiring = Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => (operation.requestBody as { required?: boolean } | undefined)?.required)
          .map(([method]) => ({ method: method.toUpperCase(), path: path.replace('{id}', String(countyId)).replace('{action}', 'pause') })),
      );
      assert.ok(requiring.some(({ method, path }) => method === 'PUT' && path === `/api/counties/${countyId}`));
      const before = (await api.json(`/api/counties/${countyId}`)).body.data;
      for (const { method, path } of requiring) {
        const { status, body } = await api.json(path, { method });
        assert.equal(status, 400, `${method} ${path} without a body: ${JSON.stringify(body)}`);
        assert.equal(body.error.code, 'VALIDATION_ERROR');
        assert.match(body.error.message, /^\(body\): /, `${method} ${path}`);
      }
      assert.deepEqual((await api.json(`/api/counties/${countyId}`)).body.data, before, 'the county was not touched');
    });

    it('answers a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const { status, body } = await api.json('/api/counties', { method: 'POST', body: JSON.stringify(county('Plain')), headers: { 'content-type': 'text/plain' } });
      assert.equal(status, 415);
      assert.equal(body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('gives each error status its own error code', async () => {
      const answer = async (response: Response | Promise<Response>) => {
        const { status } = await response;
        return [status, ((await (await response).json()) as { error: { code: string } }).error.code] as const;
      };
      const answers = await Promise.all([
        answer(api.app.request('/api/counties')),
        answer(api.call('/api/counties/abc')),
        answer(api.call('/api/counties/9007199254740991')),
        answer(api.call('/api/counties', { method: 'PATCH' })),
        answer(api.call('/api/counties', { method: 'POST', body: 'x'.repeat(2_000_000), headers: { 'content-type': 'application/json' } })),
        answer(api.call('/api/counties', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } })),
      ]);
      assert.deepEqual(Object.fromEntries(answers), {
        400: 'VALIDATION_ERROR', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE',
      });
    });

    it('documents 413 and 415 on every operation that takes a body', () => {
      const undocumented = Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => operation.requestBody && !(operation.responses['413'] && operation.responses['415']))
          .map(([method]) => `${method} ${path}`),
      );
      assert.deepEqual(undocumented, []);
    });
  });

  describe('CORS', () => {
    const preflight = (app: ReturnType<typeof createTestApi>['app'], origin: string) =>
      app.request('/api/counties', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type' },
      });

    it('allows no origin by default', async () => {
      assert.deepEqual(api.settings.CORS_ORIGINS, []);
      const answer = await api.call('/api/counties', { headers: { origin: 'https://elsewhere.example' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
      assert.equal((await preflight(api.app, 'https://elsewhere.example')).headers.get('access-control-allow-origin'), null);
    });

    it('answers preflights for the configured origins, with credentials, and only for them', async () => {
      const configured = createTestApi({
        db: database.db, client: temporal.client, queues: uniqueQueues('hostile-cors'), env: { CORS_ORIGINS: 'https://app.example, https://ops.example:8443' },
      });
      const allowed = await preflight(configured.app, 'https://app.example');
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example');
      assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
      assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /x-api-key/);
      assert.match(allowed.headers.get('vary') ?? '', /Origin/);
      const actual = await configured.call('/api/counties', { headers: { origin: 'https://ops.example:8443' } });
      assert.equal(actual.headers.get('access-control-allow-origin'), 'https://ops.example:8443');
      const other = await preflight(configured.app, 'https://elsewhere.example');
      assert.equal(other.headers.get('access-control-allow-origin'), null);
    });

    it('never allows credentials with *', async () => {
      const open = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('hostile-cors-any'), env: { CORS_ORIGINS: '*' } });
      const answer = await preflight(open.app, 'https://anywhere.example');
      assert.equal(answer.headers.get('access-control-allow-origin'), '*');
      assert.equal(answer.headers.get('access-control-allow-credentials'), null);
    });

    it('refuses an origin that is not scheme://host[:port] at start-up', () => {
      assert.throws(() => loadSettings({ CORS_ORIGINS: 'app.example' }), (error: unknown) => error instanceof ConfigurationError && /CORS_ORIGINS/.test(error.message));
      assert.throws(() => loadSettings({ CORS_ORIGINS: 'https://app.example/' }), ConfigurationError);
    });
  });
});
