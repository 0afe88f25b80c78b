import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSettings } from '../../config/settings';
import { crmSandboxSeeder, demoLeadsSyncOutcome } from '../../sandbox/crm';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';
import { startSyncHarness } from './sync-harness';
import { insertSyntheticLeads } from './synthetic-leads';

describe('the sandbox’s CRM seeder', () => {
  it('syncs every pending lead through the sync workflow and says when all with a phone or email are synced', async (t) => {
    const { db, temporal, queues, simulator, syncStatus } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 60);
    const settings = loadSettings({ ...process.env, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    const startedAt = new Date(Date.now() - 30_000);

    const message = await crmSandboxSeeder.seed({ settings, db, temporal: temporal.client, queues, startedAt });

    const withContact = leads.count - leads.skipped;
    const said = message.match(
      new RegExp(`^all ${withContact} demo leads with a phone or email synced to the CRM simulator \\(\\+(\\d+) s after start\\); ${leads.skipped} leads without a phone or email skipped$`),
    );
    assert.ok(said, message);
    assert.ok(Number(said[1]) >= 30, `counted from the stack's start: ${message}`);
    assert.deepEqual((await syncStatus()).counts, { pending: 0, synced: withContact, failed: 0, skipped: leads.skipped }, 'the line is said once the sync is over');
    assert.equal(simulator.contacts().length, leads.people, 'one contact per person');
    assert.match(await crmSandboxSeeder.seed({ settings, db, temporal: temporal.client, queues, startedAt }), /configuration kept; no pending leads to sync/);
  });

  it('says what is left when the sync did not reach every lead', () => {
    assert.equal(
      demoLeadsSyncOutcome({ pending: 3, synced: 190, failed: 7, skipped: 0 }, 98_400),
      '190 demo leads synced to the CRM simulator (+98 s after start), 7 failed, 3 still pending; see GET /api/summit/sync-status',
    );
    assert.equal(
      demoLeadsSyncOutcome({ pending: 0, synced: 200, failed: 0, skipped: 0 }, 101_600),
      'all 200 demo leads with a phone or email synced to the CRM simulator (+102 s after start)',
    );
  });
});
