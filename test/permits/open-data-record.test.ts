import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapPermitClass, mapPermitType, mapStatus, mapWorkClass } from '../../domain/permits/blds';
import { EXAMPLE_MAPPINGS } from '../../domain/permits/example-mappings';
import { missingColumns, readMappedPermit, readSourceDate } from '../../domain/permits/open-data-record';

const context = { timeZone: 'America/New_York', today: '2026-12-03' };

describe('source dates', () => {
  it('converts epoch milliseconds in the jurisdiction time zone', () => {
    // 2024-01-01T03:00:00Z is still 31 December in New York and already 1 January in UTC.
    assert.deepEqual(readSourceDate(Date.UTC(2024, 0, 1, 3), context), { ok: true, date: '2023-12-31' });
    assert.deepEqual(readSourceDate(Date.UTC(2024, 0, 1, 3), { ...context, timeZone: 'UTC' }), { ok: true, date: '2024-01-01' });
  });
  it('keeps the day of a Socrata floating timestamp, reads MM/DD/YYYY, converts an instant with an offset', () => {
    assert.deepEqual(readSourceDate('2016-09-21T23:45:00.000', context), { ok: true, date: '2016-09-21' });
    assert.deepEqual(readSourceDate('01/05/2007', context), { ok: true, date: '2007-01-05' });
    assert.deepEqual(readSourceDate('2020-06-05T02:00:00Z', context), { ok: true, date: '2020-06-04' });
    assert.deepEqual(readSourceDate(undefined, context), { ok: true, date: null });
  });
  it('names unreadable, impossible and future dates', () => {
    assert.match((readSourceDate('2021-02-30', context) as { reason: string }).reason, /unreadable/);
    assert.match((readSourceDate('soon', context) as { reason: string }).reason, /unreadable/);
    assert.match((readSourceDate('1066-10-14', context) as { reason: string }).reason, /impossible/);
    assert.match((readSourceDate('2105-11-05T00:00:00.000', context) as { reason: string }).reason, /future date 2105-11-05/);
  });
});

describe('mapped permits', () => {
  const mapping = EXAMPLE_MAPPINGS.cincinnati.mapping;
  const row = {
    permitnum: 'B2024-00123', permittype: 'Residential Mechanical', permittypemapped: 'mechanical', workclassmapped: 'Existing',
    description: 'Replace 3 ton heat pump', applieddate: '2024-03-01T00:00:00.000', issueddate: '2024-03-04T00:00:00.000',
    originaladdress1: '12 Oak Street', originalcity: 'Cincinnati', originalzip: '45202-1234', companyname: 'Cool Air LLC', estprojectcostdec: '$8,250.00',
  };
  it('reads a BLDS row into the canonical permit with trades and mapped values', () => {
    const parsed = readMappedPermit(row, mapping, context);
    assert.ok(parsed.ok);
    assert.equal(parsed.fields.permitNumber, 'B2024-00123');
    assert.equal(parsed.fields.recordId, 'B2024-00123');
    assert.deepEqual(parsed.fields.trades, ['hvac']);
    assert.equal(parsed.fields.isHvac, true);
    assert.equal(parsed.fields.permitTypeMapped, 'Mechanical');
    assert.equal(parsed.fields.workClassMapped, 'Existing');
    assert.equal(parsed.fields.openedDate, '2024-03-01 00:00:00');
    assert.equal(parsed.fields.issuedDate, '2024-03-04');
    assert.equal(parsed.fields.valuation, 8250);
    assert.equal(parsed.fields.contractor, 'Cool Air LLC');
    assert.equal(parsed.fields.address?.key, '12 OAK ST CINCINNATI 45202');
  });
  it('rejects a row without permit number, with a future date or with completion before application', () => {
    const { permitnum: _dropped, ...withoutNumber } = row;
    assert.deepEqual(readMappedPermit(withoutNumber, mapping, context), { ok: false, externalId: null, reason: 'missing permit number (permitnum)' });
    const future = readMappedPermit({ ...row, applieddate: '2027-01-01T00:00:00.000' }, mapping, context);
    assert.ok(!future.ok && future.externalId === 'B2024-00123' && /applieddate: future date/.test(future.reason));
    const noPullDate = readMappedPermit({ ...row, applieddate: undefined }, mapping, context);
    assert.ok(!noPullDate.ok && /missing pull date/.test(noPullDate.reason));
    const backwards = readMappedPermit({ ...row, completed: '2024-01-01' }, { ...mapping, completed_date: 'completed' }, context);
    assert.ok(!backwards.ok && /before applied/.test(backwards.reason));
  });
  it('names the mapped columns the metadata does not list (system fields always exist)', () => {
    assert.deepEqual(missingColumns(mapping, ['permitnum', 'PermitType', 'description', 'applieddate']).slice(0, 3), ['permittypemapped', 'workclassmapped', 'issueddate']);
    assert.ok(!missingColumns(mapping, []).includes(':updated_at'));
  });
});

describe('BLDS mapped values', () => {
  it('keeps published standard values and derives the rest from raw text', () => {
    assert.equal(mapPermitType('pool/spa', 'whatever', []), 'Pool/Spa');
    assert.equal(mapPermitType(null, 'Building/Residential/Trade/Electrical', ['electrical']), 'Electrical');
    assert.equal(mapPermitType(null, 'PERMIT - EASY PERMIT PROCESS', ['hvac']), 'Mechanical');
    assert.equal(mapPermitType(null, 'PERMIT - NEW CONSTRUCTION', ['new_construction', 'hvac']), 'Building');
    assert.equal(mapStatus(null, 'Finaled'), 'Permit Finaled');
    assert.equal(mapStatus(null, 'Expired'), 'Permit Cancelled');
    assert.equal(mapStatus(null, 'In Review'), 'In Review');
    assert.equal(mapStatus('permit issued', 'anything'), 'Permit Issued');
    assert.equal(mapStatus(null, 'Mystery'), null);
    assert.equal(mapPermitClass(null, 'Building/Commercial/Trade/Mechanical'), 'Non-Residential');
    assert.equal(mapPermitClass(null, 'Building/Residential/Trade/Mechanical'), 'Residential');
    assert.equal(mapWorkClass(null, ['new_construction']), 'New');
    assert.equal(mapWorkClass(null, []), null);
  });
});
