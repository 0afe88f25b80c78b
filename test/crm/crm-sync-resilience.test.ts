import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSyncHarness } from './sync-harness';
import { insertSyntheticLeads } from './synthetic-leads';

describe('CRM sync under passing HighLevel errors (real Temporal dev server, real PostgreSQL, HighLevel simulator)', () => {
  it('retries the lead whose call got a 500, 503 or 429, never its whole batch', async (t) => {
    const { db, simulator, runWorkflow, activityAttempts, leadRows } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 20, 70_000);
    simulator.injectFaults({ status: 500, count: 1, method: 'POST', pathPrefix: '/contacts/' });
    simulator.injectFaults({ status: 503, count: 1, method: 'GET' });
    simulator.injectFaults({ status: 502, count: 1, method: 'PUT' });
    simulator.injectFaults({ status: 429, count: 2, method: 'POST', pathPrefix: '/contacts/' });
    const { workflowId, progress } = await runWorkflow({ leadIds: [], batchSize: 25 });
    assert.equal(progress.status, 'completed');
    assert.equal(progress.failed, 0);
    assert.equal(progress.processed, 20);
    assert.equal(simulator.contacts().length, leads.people);
    assert.deepEqual(
      simulator.requests.filter((r) => r.status >= 429).map((r) => r.status).sort(),
      [429, 429, 500, 502, 503],
      'every fault was met',
    );
    const batches = (await activityAttempts(workflowId)).filter((a) => a.activity === 'syncLeadBatch');
    assert.deepEqual(batches.map((a) => a.attempt), [1], 'the batch activity ran once');
    assert.equal((await leadRows(leads.ids)).filter((row) => row.sync_status === 'pending').length, 0);
  });

  it('retries a create whose answer never came without making a second contact', async (t) => {
    // The create is carried out but answered after the client gave up: the lead's retry must find that contact.
    const { db, simulator, runWorkflow, activityAttempts, leadRows } = await startSyncHarness(t, { env: { HIGHLEVEL_REQUEST_TIMEOUT_MS: '300' } });
    const leads = await insertSyntheticLeads(db, 6, 80_000, 1);
    simulator.injectFaults({ delayMs: 1500, count: 1, method: 'POST', pathPrefix: '/contacts/' });
    const { workflowId, progress } = await runWorkflow({ leadIds: [] });
    assert.equal(progress.status, 'completed');
    assert.equal(progress.failed, 0);
    assert.equal(simulator.contacts().length, leads.people, 'one contact per person');
    const rows = await leadRows(leads.ids);
    assert.equal(new Set(rows.map((row) => row.crm_contact_id)).size, leads.people);
    const batches = (await activityAttempts(workflowId)).filter((a) => a.activity === 'syncLeadBatch');
    assert.deepEqual(batches.map((a) => a.attempt), [1]);
  });
});
