import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadCrmConfig } from '../../stores/crm/config';
import { loadSettings } from '../../config/settings';
import { generateEncryptionKey, SecretBox } from '../../platform/encryption';
import { freePort } from '../../platform/free-port';
import { crmSandboxSeeder, demoLeadsSyncOutcome } from '../../sandbox/crm';
import {
  HIGHLEVEL_SIMULATOR_LOCATION,
  HIGHLEVEL_SIMULATOR_TOKEN,
  type RunningHighLevelSimulator,
  startHighLevelSimulator,
} from '../../simulators/highlevel/server';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

describe('Summit (HighLevel) configuration API', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let simulator: RunningHighLevelSimulator;
  let api: ReturnType<typeof createTestApi>;
  const token = 'pit-3f2a9c1e-aaaa-bbbb-cccc-0123456789ab';

  before(async () => {
    database = await createTestDatabase('crm_config');
    temporal = await connectTestTemporal();
    simulator = await startHighLevelSimulator({
      host: '127.0.0.1',
      port: await freePort(),
      tokens: { [token]: 'LocationA', 'pit-other-location-token': 'LocationB' },
    });
    api = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('crmcfg'), env: { HIGHLEVEL_BASE_URL: simulator.url } });
  });
  after(async () => {
    await simulator?.close();
    await temporal?.teardown();
    await database?.drop();
  });

  const put = (body: unknown) =>
    api.json('/api/summit/config', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const connectionTest = async () => (await api.json('/api/summit/test', { method: 'POST' })).body.data;

  it('starts unconfigured with the documented defaults; the test and sync answer accordingly', async () => {
    const { status, body } = await api.json('/api/summit/config');
    assert.equal(status, 200);
    assert.deepEqual(body.data, {
      configured: false,
      api_token: null,
      location_id: null,
      default_tags: ['hvac-lead'],
      default_phone_country: 'US',
      updated_at: null,
    });
    assert.equal((await api.json('/api/summit/test', { method: 'POST' })).status, 404);
    const sync = await api.json('/api/leads/sync-to-summit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(sync.status, 409);
    assert.match(sync.body.error.message, /not configured/);
  });

  it('needs a token the first time, and validates the body', async () => {
    assert.equal((await put({ location_id: 'LocationA' })).status, 400);
    assert.equal((await put({ api_token: token, location_id: 'LocationA', default_phone_country: 'XX' })).status, 400);
    assert.equal((await put({ api_token: token, location_id: 'LocationA', surprise: 1 })).status, 400);
    assert.equal((await put({ api_token: token, location_id: '' })).status, 400);
  });

  it('stores the token encrypted, returns it masked, and keeps it when a change omits it', async () => {
    const saved = await put({ api_token: token, location_id: 'LocationA' });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.data.configured, true);
    assert.equal(saved.body.data.api_token, 'pi****ab');
    assert.deepEqual(saved.body.data.default_tags, ['hvac-lead']);
    const stored = (await database.db.query('SELECT api_token_encrypted FROM crm_config')).rows[0].api_token_encrypted;
    assert.match(stored, /^v1:/);
    assert.equal(stored.includes(token), false);

    const changed = await put({ location_id: 'LocationA', default_tags: ['hvac-lead', 'permits'], default_phone_country: 'ca' });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.data.default_tags, ['hvac-lead', 'permits']);
    assert.equal(changed.body.data.default_phone_country, 'CA');
    assert.equal(JSON.stringify((await api.json('/api/summit/config')).body).includes(token), false);
  });

  it('tests the connection with one authenticated read, or reports the CRM\'s error', async () => {
    simulator.reset();
    const okResult = await connectionTest();
    assert.equal(okResult.ok, true);
    assert.equal(okResult.rate_limit.max, 100);
    assert.equal(okResult.rate_limit.interval_ms, 10_000);
    assert.equal(simulator.requests.length, 1);
    assert.equal(simulator.requests[0]!.path, '/contacts/search/duplicate');
    assert.equal(simulator.requests[0]!.query.locationId, 'LocationA');

    await put({ location_id: 'LocationB' });
    const wrongLocation = await connectionTest();
    assert.deepEqual([wrongLocation.ok, wrongLocation.status, wrongLocation.message], [false, 403, 'The token does not have access to this location.']);

    await put({ api_token: 'pit-revoked-0000', location_id: 'LocationA' });
    const badToken = await connectionTest();
    assert.deepEqual([badToken.ok, badToken.status, badToken.message], [false, 401, 'Invalid token: access token is invalid']);
  });

  it('retries a passing server error once before reporting failure', async () => {
    await put({ api_token: token, location_id: 'LocationA' });
    simulator.reset();
    simulator.injectFaults({ status: 500, count: 1, method: 'GET' });
    const recovered = await connectionTest();
    assert.equal(recovered.ok, true, recovered.message);
    assert.deepEqual(simulator.requests.map((r) => r.status), [500, 200]);

    simulator.reset();
    simulator.injectFaults({ status: 503, count: 2, method: 'GET' });
    const down = await connectionTest();
    assert.deepEqual([down.ok, down.status], [false, 503]);
    assert.equal(simulator.requests.length, 2, 'one retry, then the failure is reported');
  });
});

describe('HighLevel sandbox seeder', () => {
  it('configures the simulator once, keeps an existing configuration, and starts no sync without leads', async () => {
    const database = await createTestDatabase('crm_seed');
    const temporal = await connectTestTemporal();
    try {
      const encryptionKey = generateEncryptionKey();
      const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: encryptionKey });
      const context = { settings, db: database.db, temporal: temporal.client, queues: uniqueQueues('crmseed'), startedAt: new Date() };
      assert.match(await crmSandboxSeeder.seed(context), /configured for the simulator.*no pending leads/);
      const config = await loadCrmConfig(database.db, SecretBox.fromBase64(encryptionKey));
      assert.equal(config?.apiToken, HIGHLEVEL_SIMULATOR_TOKEN);
      assert.equal(config?.locationId, HIGHLEVEL_SIMULATOR_LOCATION);
      assert.match(await crmSandboxSeeder.seed(context), /configuration kept/);
      assert.equal((await database.db.query('SELECT count(*)::int AS n FROM crm_sync_runs')).rows[0].n, 0);
    } finally {
      await temporal.teardown();
      await database.drop();
    }
  });

  it('says when the demo leads are synced, or what is left when the sync did not reach them all', () => {
    assert.equal(
      demoLeadsSyncOutcome({ pending: 0, synced: 200, failed: 0, skipped: 767 }, 101_600),
      'all 200 demo leads with a phone or email synced to the CRM simulator (+102 s after start); 767 leads without a phone or email skipped',
    );
    assert.equal(demoLeadsSyncOutcome({ pending: 0, synced: 200, failed: 0, skipped: 0 }, 99_000), 'all 200 demo leads with a phone or email synced to the CRM simulator (+99 s after start)');
    assert.equal(
      demoLeadsSyncOutcome({ pending: 3, synced: 190, failed: 7, skipped: 0 }, 98_400),
      '190 demo leads synced to the CRM simulator (+98 s after start), 7 failed, 3 still pending; see GET /api/summit/sync-status',
    );
  });
});
