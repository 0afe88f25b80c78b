import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadSettings } from '../../config/settings';
import { generateEncryptionKey, SecretBox } from '../../platform/encryption';
import { accelaSimulatorDefinition } from '../../simulators/accela/definition';
import { accelaSandboxSeeder } from '../../sandbox/accela';
import { SANDBOX_ACCELA_CREDENTIALS } from '../../simulators/accela/server';
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
    const context = { settings, db: database.db, temporal: temporal.client, queues };
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
