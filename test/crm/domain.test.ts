import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CrmLead, mapLeadToContact, splitOwnerName } from '../../domain/crm/contact-mapping';
import { contactUpdateFor } from '../../domain/crm/contact-update';
import { emailMatchKey, normaliseEmail, sameEmail } from '../../domain/crm/email';
import { normalisePhone } from '../../domain/crm/phone';
import { contactTags, tierTag } from '../../domain/crm/tags';

const settings = { locationId: 'L1', defaultTags: ['hvac-lead'], defaultPhoneCountry: 'US' };
const lead = (overrides: Partial<CrmLead> = {}): CrmLead => ({
  id: 1,
  tier: 'HOT',
  score: 90,
  ownerName: 'Jane Q. Doe',
  ownerPhone: '(415) 555-0132',
  ownerEmail: ' Jane.Doe+hvac@Example.com ',
  address: '12 Main St',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62701',
  ...overrides,
});

describe('phone normalisation (E.164 with libphonenumber)', () => {
  it('writes US numbers in any common format as the same E.164 value', () => {
    for (const raw of ['(415) 555-0132', '415.555.0132', '+1 415 555 0132', '1-415-555-0132', ' 4155550132 ']) {
      assert.deepEqual(normalisePhone(raw, 'US'), { ok: true, e164: '+14155550132' }, raw);
    }
  });
  it('reads a number without country code in the configured default country', () => {
    assert.deepEqual(normalisePhone('020 7946 0958', 'GB'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(normalisePhone('+44 20 7946 0958', 'US'), { ok: true, e164: '+442079460958' });
  });
  it('rejects missing, too short and impossible numbers with a reason', () => {
    assert.deepEqual(normalisePhone(null, 'US'), { ok: false, reason: 'no phone' });
    assert.deepEqual(normalisePhone('   ', 'US'), { ok: false, reason: 'no phone' });
    for (const raw of ['12345', 'call me', '415 555 0132 99999999']) {
      const result = normalisePhone(raw, 'US');
      assert.equal(result.ok, false, raw);
      assert.match((result as { reason: string }).reason, /not a valid number for US/);
    }
  });
});

describe('email normalisation and matching', () => {
  it('trims, keeps case, and matches case-insensitively', () => {
    assert.deepEqual(normaliseEmail(' Jane.Doe@Example.COM '), { ok: true, email: 'Jane.Doe@Example.COM' });
    assert.equal(emailMatchKey('Jane.Doe@Example.COM'), 'jane.doe@example.com');
    assert.equal(sameEmail('JANE@x.io', 'jane@X.IO'), true);
    assert.equal(sameEmail('jane@x.io', 'jane2@x.io'), false);
    assert.equal(sameEmail(null, 'jane@x.io'), false);
  });
  it('rejects what is not an address', () => {
    assert.deepEqual(normaliseEmail(''), { ok: false, reason: 'no email' });
    assert.equal(normaliseEmail('jane at example.com').ok, false);
  });
});

describe('tier tags', () => {
  it('names the tier in lower case next to the default tags, without repeats', () => {
    assert.equal(tierTag('WARM'), 'tier-warm');
    assert.deepEqual(contactTags(['HVAC-Lead', ' hvac-lead ', 'Permits'], 'COLD'), ['hvac-lead', 'permits', 'tier-cold']);
  });
});

describe('lead → HighLevel contact', () => {
  it('maps names, address, normalised identifiers and tags', () => {
    const mapping = mapLeadToContact(lead(), settings);
    assert.ok(mapping.ok);
    assert.deepEqual(mapping.contact, {
      email: 'Jane.Doe+hvac@Example.com',
      phone: '+14155550132',
      details: {
        name: 'Jane Q. Doe',
        firstName: 'Jane Q.',
        lastName: 'Doe',
        address1: '12 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
      },
      tags: ['hvac-lead', 'tier-hot'],
      warnings: [],
    });
  });
  it('skips a lead with neither a usable phone nor a usable email, saying why', () => {
    const mapping = mapLeadToContact(lead({ ownerPhone: 'n/a', ownerEmail: null }), settings);
    assert.equal(mapping.ok, false);
    assert.match((mapping as { reason: string }).reason, /no usable phone or email.*not a valid number.*no email/);
  });
  it('syncs on the identifier that works and notes the one that does not', () => {
    const mapping = mapLeadToContact(lead({ ownerPhone: '555', ownerName: null, address: '  ' }), settings);
    assert.ok(mapping.ok);
    assert.equal(mapping.contact.phone, null);
    assert.deepEqual(mapping.contact.details, { city: 'Springfield', state: 'IL', postalCode: '62701' });
    assert.equal(mapping.contact.warnings.length, 1);
    assert.match(mapping.contact.warnings[0]!, /phone "555"/);
  });
  it('splits owner names', () => {
    assert.deepEqual(splitOwnerName('Cher'), { firstName: 'Cher' });
    assert.deepEqual(splitOwnerName('  Mary   Ann  Smith '), { firstName: 'Mary Ann', lastName: 'Smith' });
    assert.deepEqual(splitOwnerName(' '), {});
  });
  it('fills a matched contact\'s missing identifiers but never replaces present ones', () => {
    const mapping = mapLeadToContact(lead(), settings);
    assert.ok(mapping.ok);
    const onEmailOnly = contactUpdateFor(mapping.contact, { email: 'jane.doe+hvac@example.com', phone: null });
    assert.equal(onEmailOnly.phone, '+14155550132');
    assert.equal(onEmailOnly.email, undefined);
    const complete = contactUpdateFor(mapping.contact, { email: 'other@example.com', phone: '+15550000000' });
    assert.equal(complete.email, undefined);
    assert.equal(complete.phone, undefined);
    assert.equal(complete.lastName, 'Doe');
    assert.deepEqual(Object.keys(contactUpdateFor(mapping.contact, null)).sort(), Object.keys(mapping.contact.details).sort());
  });
});
