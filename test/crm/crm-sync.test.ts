import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSettings } from '../../config/settings';
import { crmSandboxSeeder } from '../../sandbox/crm';
import { PENDING_LEADS_SYNC_WORKFLOW_ID } from '../../workflows/crm/workflow-ids';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';
import { recordHistory } from '../support/history-fixtures';
import { waitFor } from '../support/wait-for';
import { RATE_MAX, startSyncHarness } from './sync-harness';
import { insertSyntheticLeads } from './synthetic-leads';

describe('CRM sync to HighLevel (real Temporal dev server, real PostgreSQL, HighLevel simulator)', () => {
  it('syncs 300 leads into exactly one contact per person, within the rate limit, and a re-run changes nothing', async (t) => {
    const { db, simulator, temporal, startSync, finish, leadRows, syncStatus } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 300);
    const started = await startSync();
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.data.workflow_id, PENDING_LEADS_SYNC_WORKFLOW_ID);
    const second = await startSync();
    assert.equal(second.status, 409, 'one run per selection at a time');

    const progress = await finish(PENDING_LEADS_SYNC_WORKFLOW_ID);
    await recordHistory(temporal.client, PENDING_LEADS_SYNC_WORKFLOW_ID, 'crm-sync-leads');
    assert.equal(progress.status, 'completed');
    assert.equal(progress.processed, 300);
    assert.equal(progress.skipped, leads.skipped);
    assert.equal(progress.failed, 0);
    assert.equal(progress.created, leads.people);

    const contacts = simulator.contacts();
    assert.equal(contacts.length, leads.people, 'one contact per distinct person');
    const rows = await leadRows(leads.ids);
    const contactOfPerson = new Map<number, string>();
    rows.forEach((row, index) => {
      const person = leads.personOf[index] ?? null;
      if (person === null) {
        assert.equal(row.sync_status, 'skipped');
        assert.match(row.sync_error, /no usable phone or email/);
        assert.equal(row.crm_contact_id, null);
        return;
      }
      assert.equal(row.sync_status, 'synced', `lead ${row.id}: ${row.sync_error}`);
      assert.ok(row.synced_at instanceof Date);
      const known = contactOfPerson.get(person);
      if (known) assert.equal(row.crm_contact_id, known, `leads of person ${person} share a contact`);
      contactOfPerson.set(person, row.crm_contact_id);
    });
    for (const contact of contacts) {
      assert.ok(contact.tags.includes('hvac-lead'));
      assert.ok(contact.tags.some((tag) => /^tier-(hot|warm|cool|cold)$/.test(tag)));
      assert.ok(contact.tags.every((tag) => tag === tag.toLowerCase()));
    }

    assert.equal(simulator.rateLimited(), 0, 'never a 429 for exceeding the limit');
    assert.ok(simulator.peakRequestsInWindow() <= RATE_MAX);
    const requests = simulator.requests.length;
    assert.equal(progress.requests, requests);
    assert.ok(requests / (300 - leads.skipped) <= 3, `${requests} requests for ${300 - leads.skipped} leads`);
    for (const put of simulator.requests.filter((r) => r.method === 'PUT')) assert.equal('locationId' in (put.body as object), false);

    const status = await syncStatus();
    assert.deepEqual(status.counts, { pending: 0, synced: 300 - leads.skipped, failed: 0, skipped: leads.skipped });
    assert.equal(status.last_run.status, 'completed');
    assert.equal(status.last_run.created, leads.people);
    assert.equal(status.last_run.requests, requests);

    // Re-running: nothing is pending, so nothing is sent and nothing changes.
    const snapshot = JSON.stringify(simulator.contacts());
    const rerun = await startSync();
    assert.equal(rerun.status, 202);
    const again = await finish(PENDING_LEADS_SYNC_WORKFLOW_ID);
    assert.equal(again.processed, 0);
    assert.equal(simulator.requests.length, requests);
    assert.equal(JSON.stringify(simulator.contacts()), snapshot);

    // Re-syncing chosen leads updates their known contacts in place: no new contact, same ids.
    const chosen = leads.ids.filter((_, i) => leads.personOf[i] !== null).slice(0, 12);
    const explicit = await startSync(chosen);
    assert.equal(explicit.status, 202);
    assert.match(explicit.body.data.workflow_id, /^crm-sync:leads:/);
    const resynced = await finish(explicit.body.data.workflow_id);
    assert.equal(resynced.updated, chosen.length);
    assert.equal(resynced.created, 0);
    assert.equal(simulator.contacts().length, leads.people);
    assert.deepEqual(
      (await leadRows(chosen)).map((row) => row.crm_contact_id),
      rows.filter((row) => chosen.includes(Number(row.id))).map((row) => row.crm_contact_id),
    );
  });

  it('survives 429s and server errors from HighLevel', async (t) => {
    const { db, simulator, startSync, finish, leadRows } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 40, 10_000);
    simulator.injectFaults({ status: 429, count: 6, method: 'POST', pathPrefix: '/contacts/' });
    simulator.injectFaults({ status: 503, count: 2, method: 'GET' });
    simulator.injectFaults({ status: 200, count: 1, method: 'GET', body: { contact: { email: 'no id' } } });
    const started = await startSync();
    assert.equal(started.status, 202);
    const progress = await finish(PENDING_LEADS_SYNC_WORKFLOW_ID);
    assert.equal(progress.status, 'completed');
    assert.equal(progress.failed, 0);
    assert.equal(simulator.contacts().length, leads.people);
    assert.equal(simulator.requests.filter((r) => r.status === 429).length, 6);
    assert.equal((await leadRows(leads.ids)).filter((row) => row.sync_status === 'pending').length, 0);
    const rejected = await db.query(`SELECT entity, reason, payload FROM rejected_records WHERE source = 'highlevel'`);
    assert.equal(rejected.rows.length, 1, 'the malformed answer is kept with its reason');
    assert.match(rejected.rows[0].reason, /contact\.id/);
    assert.equal(JSON.parse(rejected.rows[0].payload).contact.email, 'no id');
  });

  it('makes one contact per person even when the location allows duplicate contacts', async (t) => {
    const { db, simulator, startSync, finish } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 120, 40_000);
    simulator.setAllowDuplicates(true);
    assert.equal((await startSync()).status, 202);
    const progress = await finish(PENDING_LEADS_SYNC_WORKFLOW_ID);
    assert.equal(progress.failed, 0);
    assert.equal(simulator.contacts().length, leads.people, 'no create race: leads of one person took turns');
  });

  it('links a lead to the contact an interrupted attempt created but never saved', async (t) => {
    const { db, simulator, startSync, finish, leadRows } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 3, 20_000);
    const [firstLead] = (await db.query('SELECT id, owner_email, owner_phone FROM leads WHERE id = $1', [leads.ids[0]])).rows;
    // What the crashed attempt left behind: the contact exists in HighLevel, the lead still says pending.
    const orphan = await fetch(`${simulator.url}/contacts/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${simulator.token}`, Version: '2021-07-28', 'Content-Type': 'application/json' },
      body: JSON.stringify({ locationId: simulator.locationId, email: firstLead.owner_email?.trim(), phone: firstLead.owner_phone, tags: ['hvac-lead'] }),
    });
    assert.equal(orphan.status, 201);
    const orphanId = ((await orphan.json()) as any).contact.id;
    const started = await startSync(leads.ids);
    assert.equal(started.status, 202);
    const progress = await finish(started.body.data.workflow_id);
    assert.equal(progress.failed, 0);
    assert.equal(simulator.contacts().length, leads.people);
    assert.equal((await leadRows([leads.ids[0]!]))[0].crm_contact_id, orphanId);
  });

  it('leaves no duplicates when the workers stop mid-sync and new ones take over', async (t) => {
    const { db, simulator, startSync, finish, leadRows, syncStatus, replaceWorkers } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 150, 30_000);
    simulator.setLatency(60);
    const started = await startSync();
    assert.equal(started.status, 202);
    await waitFor('20 contacts in HighLevel', () => simulator.contacts().length >= 20, { timeoutMs: 30_000, intervalMs: 50 });
    const live = (await syncStatus()).last_run;
    assert.equal(live.status, 'running');
    assert.equal(live.workflow_id, PENDING_LEADS_SYNC_WORKFLOW_ID);
    assert.equal(live.total, 150);
    assert.ok(live.processed < 150);
    await replaceWorkers(() => {
      const contactsAtStop = simulator.contacts().length;
      assert.ok(contactsAtStop < leads.people, 'stopped before the end');
    });
    const progress = await finish(PENDING_LEADS_SYNC_WORKFLOW_ID);
    assert.equal(progress.status, 'completed');
    assert.equal(progress.failed, 0);
    assert.equal(simulator.contacts().length, leads.people, 'one contact per person after the restart');
    const rows = await leadRows(leads.ids);
    assert.equal(rows.filter((row) => row.sync_status === 'pending').length, 0);
    assert.equal(new Set(rows.map((row) => row.crm_contact_id).filter(Boolean)).size, leads.people);
  });

  // Here, not in a file of its own: the sandbox's sync is the pending-leads run, whose workflow id the tests above use
  // too, and the tests of one file never run at once.
  it('runs the sandbox’s sync of every pending lead and says when all with a phone or email are synced', async (t) => {
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
    assert.deepEqual((await syncStatus()).counts, { pending: 0, synced: withContact, failed: 0, skipped: leads.skipped }, 'said once the sync is over');
    assert.equal(simulator.contacts().length, leads.people, 'one contact per person');
    assert.match(await crmSandboxSeeder.seed({ settings, db, temporal: temporal.client, queues, startedAt }), /configuration kept; no pending leads to sync/);
  });

  it('marks a lead HighLevel refuses as failed with the CRM\'s message, and goes on with the others', async (t) => {
    const { db, simulator, startSync, finish, leadRows } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 4, 60_000, 1);
    simulator.injectFaults({
      status: 422,
      count: 1,
      method: 'POST',
      pathPrefix: '/contacts/',
      body: { statusCode: 422, message: ['phone must be a valid phone number'], error: 'Unprocessable Entity' },
    });
    const started = await startSync(leads.ids);
    const progress = await finish(started.body.data.workflow_id);
    assert.equal(progress.status, 'completed');
    assert.equal(progress.failed, 1);
    assert.equal(progress.created, 3);
    const failed = (await leadRows(leads.ids)).filter((row) => row.sync_status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].sync_error, 'HighLevelValidationError: phone must be a valid phone number');
    assert.equal(failed[0].crm_contact_id, null);
  });

  it('stops at once on a rejected token, records why, and leaves the leads pending', async (t) => {
    const { db, simulator, startSync, finish, leadRows, syncStatus, configure } = await startSyncHarness(t);
    const leads = await insertSyntheticLeads(db, 6, 50_000);
    await configure('pit-revoked-token');
    const started = await startSync(leads.ids);
    assert.equal(started.status, 202);
    await assert.rejects(finish(started.body.data.workflow_id), (error: any) => {
      // The root cause names its failure type (temporal/root-cause.ts).
      assert.match(error.cause?.message, /CRM sync stopped: HighLevelAuthError: Invalid token/);
      return true;
    });
    // The leads already in flight (one batch syncs 4 at once) each got their 401; nothing was retried.
    assert.ok(simulator.requests.length <= 4, `${simulator.requests.length} requests`);
    assert.ok(simulator.requests.every((request) => request.status === 401));
    const status = await syncStatus();
    assert.equal(status.last_run.status, 'failed');
    assert.match(status.last_run.error_message, /Invalid token/);
    assert.ok((await leadRows(leads.ids)).every((row) => row.sync_status === 'pending'));
  });

  it('rejects unknown lead ids with 404 and bad bodies with 400', async (t) => {
    const { startSync, postSync } = await startSyncHarness(t);
    const unknown = await startSync([987_654_321]);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body.error.details.missing, [987_654_321]);
    const bad = await postSync(JSON.stringify({ lead_ids: ['x'], extra: true }));
    assert.equal(bad.status, 400);
  });
});
