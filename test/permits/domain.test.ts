import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeAddress, primaryPostalAddress } from '../../domain/permits/address';
import { accelaTypePath, parseAccelaRecord, validateAccelaRecord } from '../../domain/permits/permit-record';
import { advanceCursor, cursorProgress, firstCursor, historicalYears, incrementalRange, pageKey, yearRange } from '../../domain/permits/pull-cursor';
import { hvacAgeYears, leadScore, leadTier, qualifiesAsLead } from '../../domain/permits/scoring';

describe('address normalization', () => {
  it('upper-cases, removes punctuation, collapses spaces and abbreviates suffixes and directions', () => {
    assert.equal(normalizeAddress('  123  North Main Street, Apt. #4 '), '123 N MAIN ST APT 4');
    assert.equal(normalizeAddress('123 N. MAIN ST.'), '123 N MAIN ST');
    assert.equal(normalizeAddress('9 Oak avenue'), normalizeAddress('9 OAK AVE'));
    assert.equal(normalizeAddress('77 Sunset Boulevard'), '77 SUNSET BLVD');
  });
  it('builds a property key from the primary address, with the street from its parts when streetAddress is missing', () => {
    const address = primaryPostalAddress([
      { isPrimary: 'N', streetAddress: '1 Other Rd', city: 'X' },
      { isPrimary: 'Y', streetStart: 50, houseAlphaStart: '50', streetName: 'Bannatyne', streetSuffix: { value: 'Avenue' }, city: 'Winnipeg', postalCode: 'R3B 1A1' },
    ]);
    assert.equal(address?.street, '50 Bannatyne Avenue');
    assert.equal(address?.key, '50 BANNATYNE AVE WINNIPEG R3B 1');
    assert.equal(primaryPostalAddress([]), null);
    assert.equal(primaryPostalAddress([{ city: 'Nowhere' }]), null);
  });
});

describe('permit records', () => {
  it('tags an Accela record with its trades; HVAC comes from the hvac tag', () => {
    const hvacOf = (value: string, text: string, description?: string) => {
      const parsed = parseAccelaRecord({ id: 'R-1', openedDate: '2020-01-01 00:00:00', type: { value, text }, description });
      assert.ok(parsed.ok);
      return { isHvac: parsed.fields.isHvac, trades: parsed.fields.trades };
    };
    assert.deepEqual(hvacOf('Building/Residential/Trade/Mechanical', 'Mechanical'), { isHvac: true, trades: ['hvac'] });
    assert.deepEqual(hvacOf('Building/Residential/New/NA', 'New', 'Replace furnace and A/C condenser'), { isHvac: true, trades: ['hvac', 'new_construction'] });
    assert.deepEqual(hvacOf('Building/Residential/Trade/Plumbing', 'Water heater', 'new water heater'), { isHvac: false, trades: ['water_heater', 'plumbing'] });
  });
  it('validates a listed record without reading it, with the same rejects as a full read', () => {
    const listed = validateAccelaRecord({ id: 'R-1', openedDate: '2020-01-01 00:00:00', type: { value: 'Building/Residential/Trade/Mechanical' } });
    assert.ok(listed.ok && accelaTypePath(listed.record) === 'Building/Residential/Trade/Mechanical');
    const untyped = validateAccelaRecord({ id: 'R-2', openedDate: '2020-01-01 00:00:00' });
    assert.ok(untyped.ok && accelaTypePath(untyped.record) === null);
    for (const raw of [{ id: 'X-1', openedDate: 'yesterday' }, { openedDate: '2020-01-01 00:00:00' }, { id: 'X-3', openedDate: '2020-01-01 00:00:00', trackingId: 'not a number' }]) {
      const validated = validateAccelaRecord(raw);
      const parsed = parseAccelaRecord(raw);
      assert.ok(!validated.ok && !parsed.ok);
      assert.deepEqual(validated, parsed);
    }
  });
  it('rejects a record without id or with a bad date, with the reason', () => {
    const noDate = parseAccelaRecord({ id: 'X-1', openedDate: 'yesterday' });
    assert.equal(noDate.ok, false);
    assert.ok(!noDate.ok && noDate.externalId === 'X-1' && noDate.reason.includes('openedDate'));
    const noId = parseAccelaRecord({ openedDate: '2020-01-01 00:00:00' });
    assert.ok(!noId.ok && noId.externalId === null && noId.reason.includes('id'));
    const iso = parseAccelaRecord({ id: 'X-2', openedDate: '2014-03-13T07:00:00Z' });
    assert.ok(iso.ok && iso.fields.openedDate === '2014-03-13 07:00:00');
  });
});

describe('lead scoring', () => {
  it('scores age, value and building age into 0–100 and tiers', () => {
    assert.equal(leadScore({ hvacAgeYears: 20, propertyValue: 500_000, yearBuilt: 1980, currentYear: 2026 }), 100);
    assert.equal(leadScore({ hvacAgeYears: 0, propertyValue: 50_000, yearBuilt: 2026, currentYear: 2026 }), 0);
    assert.equal(leadScore({ hvacAgeYears: 10, propertyValue: null, yearBuilt: null, currentYear: 2026 }), 50);
    assert.equal(leadScore({ hvacAgeYears: 40, propertyValue: 300_000, yearBuilt: null, currentYear: 2026 }), 85);
    assert.deepEqual([75, 74, 55, 54, 35, 34].map(leadTier), ['HOT', 'WARM', 'WARM', 'COOL', 'COOL', 'COLD']);
  });
  it('needs an HVAC system at least 5 years old for a lead', () => {
    assert.equal(qualifiesAsLead(null, '2026-01-01'), false);
    assert.equal(qualifiesAsLead('2021-02-08', '2026-01-01'), false);
    assert.equal(qualifiesAsLead('2021-01-01', '2026-01-01'), true);
  });
  it('measures HVAC age in years to one decimal from the permit date', () => {
    assert.equal(hvacAgeYears('2016-01-01 10:00:00', '2026-01-01'), 10);
    assert.equal(hvacAgeYears('2025-07-02', '2026-01-01'), 0.5);
    assert.equal(hvacAgeYears(null, '2026-01-01'), null);
  });
});

describe('pull cursors', () => {
  it('lists years oldest first and cuts the current year at today', () => {
    assert.deepEqual(historicalYears(2026, 3), [2024, 2025, 2026]);
    assert.deepEqual(yearRange(2026, '2026-11-23'), { from: '2026-01-01', to: '2026-11-23' });
  });
  it('walks windows, offsets inside a window, then the next date field', () => {
    let cursor = firstCursor({ from: '2024-01-01', to: '2024-02-15' }, ['opened', 'updated'], 31);
    assert.deepEqual([cursor?.windowFrom, cursor?.windowTo], ['2024-01-01', '2024-01-31']);
    cursor = advanceCursor(cursor!, true, 1000, 31);
    assert.equal(cursor?.offset, 1000);
    assert.equal(pageKey(cursor!), 'opened:2024-01-01:2024-01-31:1000');
    cursor = advanceCursor(cursor!, false, 1000, 31);
    assert.deepEqual([cursor?.windowFrom, cursor?.windowTo, cursor?.offset], ['2024-02-01', '2024-02-15', 0]);
    assert.ok(cursorProgress(cursor!) > 0.3 && cursorProgress(cursor!) < 0.35);
    cursor = advanceCursor(cursor!, false, 1000, 31);
    assert.deepEqual([cursor?.dateField, cursor?.windowFrom, cursor?.thenDateFields], ['updated', '2024-01-01', []]);
    cursor = advanceCursor(advanceCursor(cursor!, false, 1000, 31)!, false, 1000, 31);
    assert.equal(cursor, null);
  });
  it('takes the 8 days before the scheduled time for an incremental pull', () => {
    assert.deepEqual(incrementalRange(new Date('2026-11-23T05:00:00Z'), 8), { from: '2026-11-15', to: '2026-11-23' });
  });
});
