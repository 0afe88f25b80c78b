import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAccelaSimulator } from '../../simulators/accela/server';

describe('Accela simulator', () => {
  let sim: Awaited<ReturnType<typeof startAccelaSimulator>>;
  let token: string;
  let refresh: string;
  const { appId, appSecret, username, password } = { appId: 'sim-app', appSecret: 'sim-secret', username: 'u', password: 'p' };
  const grant = (fields: Record<string, string>) =>
    fetch(`${sim.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: appId, client_secret: appSecret, ...fields }),
    });
  const get = (path: string, authorization = token) => fetch(`${sim.url}${path}`, { headers: { authorization, 'x-accela-appid': appId } });

  before(async () => {
    sim = await startAccelaSimulator({ seed: 'sim-test', permitsPerAgency: 400, credentials: { appId, appSecret, username, password }, rateLimit: { limit: 1000, windowSeconds: 3600 } });
    const response = await grant({ grant_type: 'password', username, password, agency_name: 'nullisland', environment: 'TEST', scope: 'records' });
    const body = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
    assert.equal(body.expires_in, 900);
    token = body.access_token;
    refresh = body.refresh_token;
  });
  after(() => sim?.close());

  it('rotates refresh tokens and answers auth failures OAuth-style or with the v4 envelope', async () => {
    const rotated = await grant({ grant_type: 'refresh_token', refresh_token: refresh });
    assert.equal(rotated.status, 200);
    const reused = await grant({ grant_type: 'refresh_token', refresh_token: refresh });
    assert.deepEqual([reused.status, ((await reused.json()) as { error: string }).error], [400, 'invalid_grant']);
    const wrong = await grant({ grant_type: 'password', username, password: 'nope', agency_name: 'X' });
    assert.equal(wrong.headers.get('x-accela-original-httpstatus'), '400');
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_userid_or_password');

    const noToken = await fetch(`${sim.url}/v4/records`, { headers: { 'x-accela-appid': appId } });
    const envelope = (await noToken.json()) as Record<string, unknown>;
    assert.equal(noToken.status, 401);
    assert.equal(envelope.code, 'no_token');
    assert.equal(noToken.headers.get('x-accela-resp-code'), 'no_token');
    assert.match(String(envelope.traceId), /^\d{15}-[0-9a-f]{8}$/);
    assert.equal((await get('/v4/records', `Bearer ${token}`)).status, 401, 'a Bearer prefix is not the raw token');
  });

  it('lists newest first with a lower-case hasmore and no total, and omits result when empty', async () => {
    const response = await get('/v4/records?module=Building&openedDateFrom=1990-01-01&openedDateTo=2100-01-01&limit=50&offset=0');
    const body = (await response.json()) as { result: Array<{ id: string; openedDate: string }>; page: Record<string, unknown> };
    assert.deepEqual(body.page, { offset: 0, limit: 50, hasmore: true });
    assert.equal(body.result.length, 50);
    const opened = body.result.map((r) => r.openedDate);
    assert.deepEqual(opened, [...opened].sort().reverse());
    assert.ok(body.result.every((r) => r.id.startsWith('NULLISLAND-')));
    assert.ok(response.headers.get('x-ratelimit-limit') && response.headers.get('x-ratelimit-reset'));
    const empty = (await (await get('/v4/records?openedDateFrom=1800-01-01&openedDateTo=1800-12-31')).json()) as Record<string, unknown>;
    assert.equal('result' in empty, false);
    assert.deepEqual(empty.page, { offset: 0, limit: 25, hasmore: false });
    assert.equal((await get('/v4/records?openedDateFrom=2024/01/01')).status, 400);
  });

  it('returns several ids with expansions, in shuffled order, and per-record children', async () => {
    const ids = sim.simulator.agency('NULLISLAND').records.slice(0, 20).map((r) => r.id);
    const body = (await (await get(`/v4/records/${ids.join(',')}?expand=addresses,owners,parcels`)).json()) as { result: Array<Record<string, any>>; page?: unknown };
    assert.equal(body.page, undefined);
    assert.deepEqual(body.result.map((r) => r.id).sort(), [...ids].sort());
    assert.notDeepEqual(body.result.map((r) => r.id), ids, 'not in request order');
    assert.ok(body.result.every((r) => r.addresses?.length === 1 && r.owners?.[0]?.email && r.parcels?.[0]?.parcelNumber));
    const owners = (await (await get(`/v4/records/${ids[0]}/owners`)).json()) as { result: unknown[] };
    assert.equal(owners.result.length, 1);
    assert.equal((await get('/v4/records/NULLISLAND-NOPE/owners')).status, 404);
  });

  it('generates the same data for the same seed and agency', async () => {
    const again = await startAccelaSimulator({ seed: 'sim-test', permitsPerAgency: 400 });
    try {
      const today = new Date().toISOString().slice(0, 10);
      assert.deepEqual(again.simulator.agency('NULLISLAND').groundTruth(null, today), sim.simulator.agency('nullisland').groundTruth(null, today));
    } finally {
      await again.close();
    }
  });

  it('answers 429 with rate-limit headers once the window is spent', async () => {
    const limited = await startAccelaSimulator({ permitsPerAgency: 10, rateLimit: { limit: 3, windowSeconds: 60 }, credentials: { appId, appSecret, username, password } });
    try {
      const response = await fetch(`${limited.url}/oauth2/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: appId, client_secret: appSecret, grant_type: 'password', username, password, agency_name: 'A' }),
      });
      const accessToken = ((await response.json()) as { access_token: string }).access_token;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/v4/records`, { headers: { authorization: accessToken, 'x-accela-appid': appId } })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal(limited.simulator.stats.throttled, 1);
    } finally {
      await limited.close();
    }
  });
});
