import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { AccelaApiError } from '../../clients/accela/errors';
import { AdaptiveRateLimiter, parseResetHeader } from '../../clients/accela/rate-limiter';
import { testClient } from './client-factory';
import { serveRecordedResponses, tokenRoute } from './fixture-server';

const json = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const listQuery = { module: 'Building', dateField: 'opened' as const, from: '2024-01-01', to: '2024-01-31', offset: 0, limit: 10 };

describe('Accela client behaviour', () => {
  it('accepts expires_in as a string, refreshes once on 401 token_expired and rotates the refresh token', async () => {
    let grants = 0;
    const server = await serveRecordedResponses({
      'POST /oauth2/token': (req: IncomingMessage, res: ServerResponse) => {
        grants += 1;
        json(res, 200, { access_token: `tok-${grants}`, expires_in: '900', refresh_token: `ref-${grants}` });
      },
      'GET /v4/records': (req, res) => {
        if (req.headers.authorization === 'tok-1') return json(res, 401, { status: 401, code: 'token_expired', message: 'expired', traceId: 't' });
        json(res, 200, { status: 200, result: [{ id: 'A-1', openedDate: '2024-01-02 00:00:00' }], page: { offset: 0, limit: 10, hasmore: false } });
      },
    });
    try {
      const { client, tokenCache } = testClient(server.url);
      const page = await client.listRecords(listQuery);
      assert.equal(page.records.length, 1);
      assert.equal(page.hasMore, false);
      const grantsSent = server.seen.filter((c) => c.url === '/oauth2/token').map((c) => new URLSearchParams(c.body));
      assert.deepEqual(grantsSent.map((g) => g.get('grant_type')), ['password', 'refresh_token']);
      assert.equal(grantsSent[1]!.get('refresh_token'), 'ref-1');
      assert.equal(tokenCache.get('county-1')?.refreshToken, 'ref-2', 'the rotated refresh token is kept');
    } finally {
      await server.close();
    }
  });

  it('treats a 200 without result as no records', async () => {
    const server = await serveRecordedResponses({
      'POST /oauth2/token': tokenRoute({ access_token: 't', expires_in: 900 }),
      'GET /v4/records': (_req, res) => json(res, 200, { status: 200 }),
    });
    try {
      const page = await testClient(server.url).client.listRecords(listQuery);
      assert.deepEqual(page, { records: [], hasMore: false });
    } finally {
      await server.close();
    }
  });

  it('turns OAuth and v4 errors into typed, non-retryable errors', async () => {
    const server = await serveRecordedResponses({
      'POST /oauth2/token': (_req, res) =>
        json(res, 400, { error: 'invalid_userid_or_password', error_description: 'Invalid user name or password.' }, { 'x-accela-original-httpstatus': '400' }),
    });
    try {
      const error = await testClient(server.url).client.listRecords(listQuery).catch((e: unknown) => e);
      assert.ok(error instanceof AccelaApiError);
      assert.equal(error.kind, 'auth');
      assert.equal(error.code, 'invalid_userid_or_password');
      assert.equal(error.message, 'Invalid user name or password.');
      assert.equal(error.retryable, false);
    } finally {
      await server.close();
    }
    const server2 = await serveRecordedResponses({
      'POST /oauth2/token': tokenRoute({ access_token: 't', expires_in: 900 }),
      'GET /v4/records': (_req, res) => json(res, 400, { status: 400, code: 'data_validation_error', message: 'bad date', more: null, traceId: 'x' }),
    });
    try {
      const error = await testClient(server2.url).client.listRecords(listQuery).catch((e: unknown) => e);
      assert.ok(error instanceof AccelaApiError);
      assert.deepEqual([error.kind, error.code, error.retryable], ['validation', 'data_validation_error', false]);
    } finally {
      await server2.close();
    }
  });

  it('marks 5xx and timeouts retryable', async () => {
    const server = await serveRecordedResponses({
      'POST /oauth2/token': tokenRoute({ access_token: 't', expires_in: 900 }),
      'GET /v4/records': (req, res) => {
        if (req.url?.includes('offset=0')) return json(res, 500, { status: 500, code: 'internal_server_error', message: 'boom' });
        setTimeout(() => json(res, 200, { status: 200 }), 400);
      },
    });
    try {
      const { client } = testClient(server.url, { timeoutMs: 100 });
      const serverError = await client.listRecords(listQuery).catch((e: unknown) => e);
      assert.ok(serverError instanceof AccelaApiError && serverError.kind === 'server' && serverError.retryable);
      const timeout = await client.listRecords({ ...listQuery, offset: 10 }).catch((e: unknown) => e);
      assert.ok(timeout instanceof AccelaApiError && timeout.kind === 'timeout' && timeout.retryable);
    } finally {
      await server.close();
    }
  });

  it('waits for the reset on 429 and fails retryably after the configured retries', async () => {
    let calls = 0;
    const server = await serveRecordedResponses({
      'POST /oauth2/token': tokenRoute({ access_token: 't', expires_in: 900 }),
      'GET /v4/records': (_req, res) => {
        calls += 1;
        json(res, 429, { status: 429, code: 'rate_limit_exceeded', message: 'slow down' }, {
          'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0',
        });
      },
    });
    try {
      const { client, limiter } = testClient(server.url, { maxRateLimitRetries: 2 });
      const error = await client.listRecords(listQuery).catch((e: unknown) => e);
      assert.ok(error instanceof AccelaApiError);
      assert.equal(error.kind, 'rate_limited');
      assert.equal(error.retryable, true);
      assert.equal(calls, 3);
      assert.equal(limiter.stats().throttledCount, 3);
    } finally {
      await server.close();
    }
  });

  it('after a 429 naming its wait in Retry-After, waits that long and then keeps the budget the headers state', async () => {
    // Found by `npm run chaos`: one passing 429 (Retry-After: 1) made the county's limiter wait for the
    // hourly window's reset before every later request, past the page heartbeat, so the job stalled.
    let now = 1_000_000;
    const slept: number[] = [];
    const limiter = new AdaptiveRateLimiter({
      pauseFraction: 0.15, pageDelayMs: 500, enrichDelayMs: 100, now: () => now,
      sleep: async (ms) => { slept.push(ms); now += ms; },
    });
    const hourlyWindow = { 'x-ratelimit-limit': '10000', 'x-ratelimit-reset': String((now + 3_000_000) / 1000) };
    await limiter.beforeRequest('page');
    limiter.observe(new Headers({ ...hourlyWindow, 'x-ratelimit-remaining': '9000' }));
    limiter.afterRequest();
    await limiter.beforeRequest('page');
    const wait = limiter.onThrottled(new Headers({ ...hourlyWindow, 'x-ratelimit-remaining': '8999', 'retry-after': '1' }));
    limiter.afterRequest();
    assert.equal(wait, 1000, 'the wait the server named');
    await limiter.wait(wait);
    await limiter.beforeRequest('page');
    assert.deepEqual(slept, [1000], 'no further pause: 8,999 of 10,000 requests remain in the window');
  });

  it('pauses until the reset when less than 15% of the window remains', async () => {
    let now = 1_000_000;
    const slept: number[] = [];
    const limiter = new AdaptiveRateLimiter({
      pauseFraction: 0.15, pageDelayMs: 500, enrichDelayMs: 100, now: () => now,
      sleep: async (ms) => { slept.push(ms); now += ms; },
    });
    await limiter.beforeRequest('page');
    await limiter.beforeRequest('page');
    assert.deepEqual(slept, [500], 'fixed gap between pages without headers');
    limiter.observe(new Headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '20', 'x-ratelimit-reset': String((now + 5000) / 1000) }));
    await limiter.beforeRequest('enrich');
    assert.deepEqual(slept, [500], 'no pause with 20% left');
    limiter.observe(new Headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '14', 'x-ratelimit-reset': '3' }));
    await limiter.beforeRequest('enrich');
    assert.deepEqual(slept, [500, 3000], 'pauses until the reset (delta seconds)');
    assert.equal(limiter.stats().waitMs, 3500);
    assert.equal(parseResetHeader('1790000000', 0), 1_790_000_000_000);
    assert.equal(parseResetHeader('30', 1000), 31_000);
  });
});
