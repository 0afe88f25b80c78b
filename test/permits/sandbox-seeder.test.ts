import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadSettings } from '../../config/settings';
import { generateEncryptionKey, SecretBox } from '../../platform/encryption';
import { accelaSimulatorDefinition } from '../../simulators/accela/definition';
import { accelaSandboxSeeder } from '../../sandbox/accela';
import { openDataDemoCounty, openDataSandboxSeeders } from '../../sandbox/open-data';
import { testOpenDataSource } from '../../services/permits/counties';
import { SANDBOX_ACCELA_CREDENTIALS } from '../../simulators/accela/server';
import { arcgisSimulatorDefinition } from '../../simulators/arcgis/definition';
import { sandboxSimulators, sandboxSourceUrls } from '../../simulators/registry';
import { socrataSimulatorDefinition } from '../../simulators/socrata/definition';
import { permitPullWorkflowId } from '../../workflows/permits/ids';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { useDistinctCountyIds } from './permit-test-support';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

describe('Accela sandbox seeder', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  // No workers: the pull stays pending, which is all the seeder is responsible for.
  const queues = uniqueQueues('permits-seed');

  before(async () => {
    database = await createTestDatabase('permits_seed');
    await useDistinctCountyIds(database.db);
    temporal = await connectTestTemporal();
  });
  after(async () => {
    await temporal?.teardown();
    await database?.drop();
  });

  it('adds the demo county once and starts its historical pull once', async () => {
    const key = generateEncryptionKey();
    const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: key });
    const context = { settings, db: database.db, temporal: temporal.client, queues, startedAt: new Date() };
    const first = await accelaSandboxSeeder.seed(context);
    assert.match(first, /historical pull started/);
    const second = await accelaSandboxSeeder.seed(context);
    assert.match(second, /historical pull job \d+ is pending/);
    const counties = await database.db.query(`SELECT id, app_id, password_encrypted FROM counties`);
    assert.equal(counties.rows.length, 1);
    assert.equal(counties.rows[0].app_id, SANDBOX_ACCELA_CREDENTIALS.appId);
    assert.equal(SecretBox.fromBase64(key).decrypt(counties.rows[0].password_encrypted), SANDBOX_ACCELA_CREDENTIALS.password);
    const jobs = await database.db.query(`SELECT job_type FROM permit_pull_jobs`);
    assert.deepEqual(jobs.rows, [{ job_type: 'initial_pull' }]);
    await temporal.client.workflow.getHandle(permitPullWorkflowId(counties.rows[0].id)).terminate('test over');
  });

  it('registers the simulator at port offset 1 for both Accela URLs', async () => {
    assert.equal(accelaSimulatorDefinition.portOffset, 1);
    assert.deepEqual([...accelaSimulatorDefinition.urlSettings], ['ACCELA_API_URL', 'ACCELA_AUTH_URL']);
    const running = await accelaSimulatorDefinition.start({ host: '127.0.0.1', port: 0 });
    try {
      const token = await fetch(`${running.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_ACCELA_CREDENTIALS.appId, client_secret: SANDBOX_ACCELA_CREDENTIALS.appSecret }),
      });
      assert.equal(token.status, 400);
      assert.equal(((await token.json()) as { error: string }).error, 'unsupported_grant_type');
    } finally {
      await running.close();
    }
  });
});

describe('Socrata and ArcGIS sandbox seeders', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  // No workers: the pulls stay pending, which is all the seeders are responsible for.
  const queues = uniqueQueues('open-data-seed');

  before(async () => {
    database = await createTestDatabase('open_data_seed');
    await useDistinctCountyIds(database.db);
    temporal = await connectTestTemporal();
  });
  after(async () => {
    await temporal?.teardown();
    await database?.drop();
  });

  it('adds one demo county per platform on its simulator’s fixed port, once, and starts each historical pull once', async () => {
    const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: generateEncryptionKey(), SIMULATOR_BASE_PORT: '4700' });
    const context = { settings, db: database.db, temporal: temporal.client, queues, startedAt: new Date() };
    assert.deepEqual(openDataSandboxSeeders.map((seeder) => seeder.name), ['socrata', 'arcgis']);
    for (const seeder of openDataSandboxSeeders) assert.match(await seeder.seed(context), /historical pull started/);
    for (const seeder of openDataSandboxSeeders) assert.match(await seeder.seed(context), /historical pull job \d+ is pending/);
    const counties = await database.db.query(`SELECT id, platform, source_config FROM counties ORDER BY id`);
    assert.deepEqual(counties.rows.map((row) => [row.platform, row.source_config.domain ?? row.source_config.layer_url]), [
      ['socrata', 'http://127.0.0.1:4706'],
      ['arcgis', 'http://127.0.0.1:4707/arcgis/rest/services/Building_Permits/FeatureServer/0'],
    ]);
    const jobs = await database.db.query(`SELECT county_id, job_type FROM permit_pull_jobs ORDER BY county_id`);
    assert.deepEqual(jobs.rows, counties.rows.map((row) => ({ county_id: row.id, job_type: 'initial_pull' })));
    for (const row of counties.rows) await temporal.client.workflow.getHandle(permitPullWorkflowId(row.id)).terminate('test over');
  });

  it('registers both simulators at free port offsets with no URL settings', () => {
    assert.deepEqual([socrataSimulatorDefinition.portOffset, arcgisSimulatorDefinition.portOffset], [6, 7]);
    const offsets = sandboxSimulators.map((simulator) => simulator.portOffset);
    assert.equal(new Set(offsets).size, offsets.length, `every simulator has a port of its own: ${offsets.join(', ')}`);
    assert.deepEqual([...socrataSimulatorDefinition.urlSettings, ...arcgisSimulatorDefinition.urlSettings], []);
    const urls = Object.values(sandboxSourceUrls('127.0.0.1', 4700));
    assert.ok(!urls.includes('http://127.0.0.1:4706') && !urls.includes('http://127.0.0.1:4707'), urls.join(', '));
  });

  for (const definition of [socrataSimulatorDefinition, arcgisSimulatorDefinition]) {
    it(`serves the ${definition.name} demo county’s source and mapping: about a thousand permits, every mapped column`, async () => {
      const running = await definition.start({ host: '127.0.0.1', port: 0 });
      try {
        // The base port that puts this simulator where it listens: the demo county's URL must reach it.
        const basePort = Number(new URL(running.url).port) - definition.portOffset;
        const county = openDataDemoCounty(definition.name as 'socrata' | 'arcgis', basePort);
        const source = county.platform === 'socrata'
          ? { platform: county.platform, domain: county.domain, dataset_id: county.dataset_id, field_mapping: county.field_mapping }
          : { platform: county.platform, layer_url: county.layer_url, field_mapping: county.field_mapping };
        const outcome = await testOpenDataSource(loadSettings(process.env), source, county.source_token);
        assert.equal(outcome.success, true, outcome.error_message ?? undefined);
        assert.ok(outcome.records_seen! >= 800 && outcome.records_seen! <= 1500, `${outcome.records_seen} permits`);
      } finally {
        await running.close();
      }
    });
  }
});
