import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordHistory } from '../support/history-fixtures';
import { startSyncHarness } from './sync-harness';
import { insertLeads, type LeadInput } from './synthetic-leads';

/**
 * Three leads of one person: A has the email, C the phone, B both. Only B says that A and C are the
 * same person, so B's identifiers link whatever contacts A and C end on.
 */
function linkedTrio(person: number): Record<'A' | 'B' | 'C', LeadInput> {
  const email = `trio.${person}@example-homes.com`;
  const phone = `(312) 555-${String(1000 + person).slice(-4)}`;
  return {
    A: { owner_name: `Trio ${person}`, owner_email: email.toUpperCase(), owner_phone: null },
    B: { owner_name: `Trio ${person}`, owner_email: ` ${email}`, owner_phone: `+1 312 555 ${String(1000 + person).slice(-4)}` },
    C: { owner_name: `Trio ${person}`, owner_email: null, owner_phone: phone },
  };
}

const ORDERS = ['ABC', 'ACB', 'BAC', 'BCA', 'CAB', 'CBA'] as const;

describe('CRM sync of leads linked through shared identifiers (real Temporal dev server, real PostgreSQL, HighLevel simulator)', () => {
  it('makes one contact for leads linked by email and phone, whatever their order and batches', async (t) => {
    const { db, simulator, temporal, runWorkflow, leadRows } = await startSyncHarness(t);
    const groups: number[][] = [];
    for (const [person, order] of ORDERS.entries()) {
      const trio = linkedTrio(person);
      groups.push(await insertLeads(db, [...order].map((letter) => trio[letter as 'A' | 'B' | 'C']), `trio-${person}`));
    }
    // One lead per batch, three batches at a time: the leads of a person would otherwise land in different batches.
    const { workflowId, progress } = await runWorkflow({ leadIds: [], batchSize: 1, parallelBatches: 3 });
    await recordHistory(temporal.client, workflowId, 'crm-syncLeadsToCrmWorkflow-linked-leads');
    assert.equal(progress.status, 'completed');
    assert.equal(progress.failed, 0);
    assert.equal(progress.processed, 18);
    assert.equal(progress.created, ORDERS.length);
    assert.equal(simulator.contacts().length, ORDERS.length, 'one contact per person');
    for (const [index, ids] of groups.entries()) {
      const contactIds = new Set((await leadRows(ids)).map((row) => row.crm_contact_id));
      assert.equal(contactIds.size, 1, `order ${ORDERS[index]}: the three leads share one contact`);
      assert.ok(!contactIds.has(null));
    }
  });

  it('joins leads linked to a contact an earlier run made, instead of making a second one', async (t) => {
    const { db, simulator, runWorkflow, leadRows } = await startSyncHarness(t);
    const trio = linkedTrio(7);
    const [c] = await insertLeads(db, [trio.C], 'earlier');
    const earlier = await runWorkflow({ leadIds: [c!] });
    assert.equal(earlier.progress.created, 1);
    // A (email only) comes before B, which is the only lead tying the email to the earlier contact's phone.
    const later = await insertLeads(db, [trio.A, trio.B], 'later');
    const { progress } = await runWorkflow({ leadIds: [] });
    assert.equal(progress.failed, 0);
    assert.equal(progress.created, 0);
    assert.equal(progress.updated, 2);
    assert.equal(simulator.contacts().length, 1);
    const rows = await leadRows([c!, ...later]);
    assert.equal(new Set(rows.map((row) => row.crm_contact_id)).size, 1);
    assert.equal(simulator.contacts()[0]!.emailLowerCase, `trio.7@example-homes.com`, 'the email was added to the contact');
  });

  it('keeps explicit selections to one contact per linked group as well', async (t) => {
    const { db, simulator, runWorkflow, leadRows } = await startSyncHarness(t);
    const trio = linkedTrio(9);
    // A and C first, side by side, and B after them: each of A and C alone would make its own contact.
    const ids = await insertLeads(db, [trio.A, trio.C, trio.B], 'explicit');
    const { progress } = await runWorkflow({ leadIds: ids, batchSize: 1, parallelBatches: 2 });
    assert.equal(progress.failed, 0);
    assert.equal(simulator.contacts().length, 1);
    assert.equal(new Set((await leadRows(ids)).map((row) => row.crm_contact_id)).size, 1);
  });
});
