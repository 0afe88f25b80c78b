import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../../platform/free-port';
import { saveCrmConfig } from '../../stores/crm/config';
import { startHighLevelSimulator } from '../../simulators/highlevel/server';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { insertSyntheticLeads } from './synthetic-leads';

/**
 * Issue 10 for CRM sync runs: a run whose workflow ended without recording it (terminated here, as a
 * bookkeeping write that ran out of attempts would leave it) shows its real end.
 */
describe('a CRM sync run whose workflow ended without recording it (real Temporal, real PostgreSQL, HighLevel simulator)', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let workers: TestWorkers;
  let simulator: Awaited<ReturnType<typeof startHighLevelSimulator>>;
  let api: ReturnType<typeof createTestApi>;
  const queues = uniqueQueues('crm-stuck');
  const workflowsToStop: string[] = [];

  before(async () => {
    database = await createTestDatabase('crm_stuck');
    // Lead ids name the sync's workflow, and the Temporal server is shared with other test files.
    await database.db.query(`ALTER SEQUENCE leads_id_seq RESTART WITH ${1 + Math.floor(Math.random() * 1_000_000_000)}`);
    temporal = await connectTestTemporal();
    // Slow answers keep the sync running while the test ends its workflow.
    simulator = await startHighLevelSimulator({ host: '127.0.0.1', port: await freePort(), latencyMs: 100 });
    const env = { HIGHLEVEL_BASE_URL: simulator.url };
    workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
    await saveCrmConfig(database.db, workers.secrets, { apiToken: simulator.token, locationId: simulator.locationId });
    api = createTestApi({ db: database.db, client: temporal.client, queues, env });
  });
  after(async () => {
    for (const id of workflowsToStop) await temporal?.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await workers?.stop();
    await simulator?.close();
    await temporal?.teardown();
    await database?.drop();
  });

  const runRow = async (workflowId: string) =>
    (await database.db.query(`SELECT * FROM crm_sync_runs WHERE workflow_id = $1 ORDER BY id DESC LIMIT 1`, [workflowId])).rows[0];

  it('shows the run failed with the reason and finished_at, and a new sync of the same leads is accepted', async () => {
    const leads = await insertSyntheticLeads(database.db, 200);
    const start = () =>
      api.json('/api/leads/sync-to-summit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lead_ids: leads.ids }) });
    const started = await start();
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const workflowId: string = started.body.data.workflow_id;
    workflowsToStop.push(workflowId);
    await waitFor('the sync to be under way', async () => (await runRow(workflowId))?.status === 'running', { timeoutMs: 60_000 });
    await temporal.client.workflow.getHandle(workflowId).terminate('simulated: the end of the run was never recorded');
    assert.equal((await runRow(workflowId)).status, 'running', 'the row still says running');

    const status = await api.json('/api/summit/sync-status');
    assert.equal(status.status, 200);
    const run = status.body.data.last_run;
    assert.deepEqual([run.workflow_id, run.status], [workflowId, 'failed']);
    assert.equal(run.error_message, 'workflow terminated: simulated: the end of the run was never recorded');
    assert.ok(run.finished_at, 'finished_at is recorded');

    const again = await start();
    assert.equal(again.status, 202, JSON.stringify(again.body));
  });
});
