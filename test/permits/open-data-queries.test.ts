import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arcgisWindowWhere, dateColumnFor, localMidnightUtcMs, socrataPageQuery, soqlColumn } from '../../domain/permits/open-data-queries';
import { firstCursor, nextDateFieldCursor } from '../../domain/permits/pull-cursor';

const cursor = firstCursor({ from: '2024-01-01', to: '2024-12-31' }, ['opened', 'updated'], 366)!;

describe('open-data page queries', () => {
  it('finds the local midnight of a day in UTC, across daylight-saving changes', () => {
    assert.equal(localMidnightUtcMs('2024-01-15', 'America/New_York'), Date.parse('2024-01-15T05:00:00Z'));
    assert.equal(localMidnightUtcMs('2024-07-04', 'America/New_York'), Date.parse('2024-07-04T04:00:00Z'));
    // The clocks change at 02:00: both days still begin at the previous offset's midnight.
    assert.equal(localMidnightUtcMs('2024-03-10', 'America/New_York'), Date.parse('2024-03-10T05:00:00Z'));
    assert.equal(localMidnightUtcMs('2024-11-03', 'America/New_York'), Date.parse('2024-11-03T04:00:00Z'));
    assert.equal(localMidnightUtcMs('2024-06-01', 'America/Chicago'), Date.parse('2024-06-01T05:00:00Z'));
    assert.equal(localMidnightUtcMs('2024-06-01', 'UTC'), Date.parse('2024-06-01T00:00:00Z'));
  });

  it('asks ArcGIS for the window’s local days as UTC instants, end exclusive', () => {
    assert.equal(
      arcgisWindowWhere('IssuedDate', cursor, 'America/New_York'),
      "IssuedDate >= TIMESTAMP '2024-01-01 05:00:00' AND IssuedDate < TIMESTAMP '2025-01-01 05:00:00'",
    );
  });

  it('asks Socrata for floating timestamps ordered by :id, at the cursor’s offset', () => {
    assert.deepEqual(socrataPageQuery('applieddate', { ...cursor, offset: 2000 }, 1000), {
      select: ':*,*', where: "applieddate >= '2024-01-01T00:00:00' AND applieddate < '2025-01-01T00:00:00'", order: ':id', limit: 1000, offset: 2000,
    });
    assert.equal(soqlColumn(':updated_at'), ':updated_at');
    assert.equal(soqlColumn('Issue Date'), '`Issue Date`');
  });

  it('filters the updated pass on the last-updated column, or skips it when the source has none', () => {
    const mapping = { permit_number: 'permitnum', pull_date: 'issueddate' };
    assert.equal(dateColumnFor(mapping, 'opened'), 'issueddate');
    assert.equal(dateColumnFor(mapping, 'updated'), null);
    assert.equal(dateColumnFor({ ...mapping, last_updated: ':updated_at' }, 'updated'), ':updated_at');
    const updatedPass = nextDateFieldCursor(cursor, 366)!;
    assert.deepEqual([updatedPass.dateField, updatedPass.windowFrom, updatedPass.offset], ['updated', '2024-01-01', 0]);
    assert.equal(nextDateFieldCursor(updatedPass, 366), null);
  });
});
