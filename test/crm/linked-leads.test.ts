import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duplicateSearches, identityKeys, leadIdentityKeys, linkedLeadGroups, nextGroupBatch } from '../../domain/crm/linked-leads';

describe('identity keys of a lead', () => {
  it('match emails case-insensitively and phones in E.164, and ignore what is unusable', () => {
    assert.deepEqual(identityKeys({ email: 'Jane@Example.com', phone: '+14155550132' }), ['email:jane@example.com', 'phone:+14155550132']);
    assert.deepEqual(leadIdentityKeys(' JANE@example.com ', '(415) 555-0132', 'US'), ['email:jane@example.com', 'phone:+14155550132']);
    assert.deepEqual(leadIdentityKeys('not an address', null, 'US'), []);
    assert.deepEqual(leadIdentityKeys(null, '415.555.0132', 'US'), ['phone:+14155550132']);
  });
});

describe('leads linked through shared identifiers', () => {
  const lead = (id: number, ...keys: string[]) => ({ id, keys });

  it('groups leads linked directly or through other leads, whatever their order', () => {
    // A and B share an email, B and C a phone: one person. D is alone; E has nothing to match by.
    const leads = [lead(5, 'phone:p1'), lead(2, 'email:e1'), lead(9, 'email:e1', 'phone:p1'), lead(4, 'email:e2'), lead(7)];
    assert.deepEqual(linkedLeadGroups(leads), [[2, 5, 9], [4], [7]]);
    assert.deepEqual(linkedLeadGroups([...leads].reverse()), [[2, 5, 9], [4], [7]]);
  });

  it('follows chains of any length', () => {
    const chain = Array.from({ length: 50 }, (_, i) => lead(100 - i, `k:${i}`, `k:${i + 1}`));
    assert.deepEqual(linkedLeadGroups(chain), [Array.from({ length: 50 }, (_, i) => 51 + i)]);
  });
});

describe('batches of whole groups', () => {
  const groups = [[1, 8], [2], [3, 4, 20], [5], [6], [7]];
  const all = () => true;

  it('takes whole groups in order of their first lead until the batch is full; the cursor is the last group\'s first lead', () => {
    assert.deepEqual(nextGroupBatch(groups, all, 0, 3), { leadIds: [1, 8, 2], cursor: 2 });
    assert.deepEqual(nextGroupBatch(groups, all, 2, 3), { leadIds: [3, 4, 20], cursor: 3 });
    assert.deepEqual(nextGroupBatch(groups, all, 3, 3), { leadIds: [5, 6, 7], cursor: 7 });
    assert.deepEqual(nextGroupBatch(groups, all, 7, 3), { leadIds: [], cursor: 7 });
  });

  it('never splits a group, even one larger than the batch', () => {
    assert.deepEqual(nextGroupBatch(groups, all, 2, 1), { leadIds: [3, 4, 20], cursor: 3 });
  });

  it('leaves out leads already done, and groups with nothing left to do', () => {
    const done = new Set([1, 8, 4]);
    assert.deepEqual(nextGroupBatch(groups, (id) => !done.has(id), 0, 2), { leadIds: [2, 3, 20], cursor: 3 });
  });
});

describe('duplicate searches for a group', () => {
  it('covers every email and phone of the group, one of each per search, without repeats', () => {
    assert.deepEqual(duplicateSearches([{ email: 'a@x.com', phone: null }]), [{ email: 'a@x.com', phone: null }]);
    assert.deepEqual(
      duplicateSearches([
        { email: 'a@x.com', phone: null },
        { email: 'A@X.com', phone: '+1' },
        { email: null, phone: '+1' },
        { email: 'b@x.com', phone: '+2' },
        { email: null, phone: '+3' },
      ]),
      [
        { email: 'a@x.com', phone: '+1' },
        { email: 'b@x.com', phone: '+2' },
        { email: null, phone: '+3' },
      ],
    );
  });
});
