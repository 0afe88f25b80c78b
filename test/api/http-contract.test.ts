import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestApi, TEST_API_KEY } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

describe('HTTP API contract', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let api: ReturnType<typeof createTestApi>;

  before(async () => {
    database = await createTestDatabase('api');
    temporal = await connectTestTemporal();
    api = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('api') });
  });
  after(async () => {
    await temporal?.teardown();
    await database?.drop();
  });

  it('requires an API key on /api routes, as X-API-Key or Bearer', async () => {
    const missing = await api.app.request('/api/platform/self-test', { method: 'POST' });
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), {
      success: false,
      data: null,
      error: { code: 'UNAUTHORIZED', message: 'API key required: send X-API-Key or Authorization: Bearer <key>' },
    });
    const wrong = await api.app.request('/api/nothing', { headers: { 'x-api-key': `${TEST_API_KEY}x` } });
    assert.equal(wrong.status, 401);
    const bearer = await api.app.request('/api/nothing', { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    assert.equal(bearer.status, 404, 'a valid bearer key passes authentication');
  });

  it('serves health without a key', async () => {
    const response = await api.app.request('/api/health');
    // No workers poll this test's queues: degraded (200), never down (503) nor refused (401).
    assert.equal(response.status, 200);
    const body = (await response.json()) as { success: boolean; data: { status: string; components: Record<string, unknown> } };
    assert.equal(body.success, true);
    assert.equal(body.data.status, 'degraded');
    assert.deepEqual(Object.keys(body.data.components).sort(), ['configuration', 'data_freshness', 'database', 'encryption', 'jobs', 'temporal', 'workers']);
  });

  it('answers a method health does not have with 405, key or not: the path is public (found by the API fuzz test)', async () => {
    for (const method of ['POST', 'DELETE']) {
      const response = await api.app.request('/api/health', { method });
      assert.equal(response.status, 405, `${method} /api/health without a key`);
      assert.equal(response.headers.get('allow'), 'GET, HEAD, OPTIONS');
    }
    assert.equal((await api.app.request('/api/counties', { method: 'PATCH' })).status, 401, 'other paths still ask for the key first');
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const { status, body } = await api.json('/api/does-not-exist');
    assert.equal(status, 404);
    assert.equal(body.success, false);
    assert.equal(body.error.code, 'NOT_FOUND');
  });

  it('rejects malformed JSON, unknown fields and wrong types with 400 naming the field', async () => {
    const post = (body: string) =>
      api.json('/api/platform/self-test', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const malformed = await post('{not json');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'VALIDATION_ERROR');
    const wrongType = await post('{"include_browser":"yes"}');
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.error.message, /include_browser/);
    const unknown = await post('{"include_browser":false,"surprise":1}');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /surprise/);
    for (const response of [malformed, wrongType, unknown]) assert.doesNotMatch(JSON.stringify(response.body), /\bat .*\.ts:\d+/);
  });

  it('describes every API route in the OpenAPI document and serves Swagger UI locally', async () => {
    const document = (await (await api.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, object> };
    assert.match(document.openapi, /^3\./);
    const apiRoutes = api.app.routes
      .filter((route) => route.path.startsWith('/api/') && route.method !== 'ALL')
      .map((route) => ({ method: route.method.toLowerCase(), path: route.path.replace(/:(\w+)/g, '{$1}') }));
    assert.ok(apiRoutes.length >= 2);
    for (const route of apiRoutes) {
      assert.ok(document.paths[route.path]?.[route.method as keyof object], `${route.method} ${route.path} is in openapi.json`);
    }
    const docs = await api.app.request('/docs');
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger-ui-bundle\.js/);
    const bundle = await api.app.request('/docs/assets/swagger-ui-bundle.js');
    assert.equal(bundle.status, 200);
  });

  it('exposes Prometheus metrics per route', async () => {
    await api.app.request('/api/health');
    const metrics = await (await api.app.request('/metrics')).text();
    assert.match(metrics, /prospector_http_requests_total\{method="GET",route="\/api\/health",status="(200|503)"\} \d+/);
    assert.match(metrics, /prospector_http_request_duration_seconds_bucket/);
  });
});
