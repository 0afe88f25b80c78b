import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseAccelaRecord } from '../../domain/permits/permit-record';
import { withTransaction } from '../../platform/database';
import { savePermitPage, type PermitToSave } from '../../stores/permits/permit-store';
import { createTestDatabase, insertBareCounty, type TestDatabase } from '../support/database';

/**
 * A pulled page's permits and properties are written in one statement (stores/permits/permit-store.ts): the
 * properties are rebuilt from the saved permits merged with the page's, and the permits are inserted already linked.
 */
describe('saving a pulled page of permits (real PostgreSQL)', () => {
  let database: TestDatabase;
  let countyId: number;
  const AS_OF = '2026-06-01';
  const ADDRESS = { isPrimary: 'Y', streetAddress: '12 Palm Ave', city: 'Tampa', state: { value: 'FL', text: 'FL' }, postalCode: '33601' };

  function permit(id: string, openedDate: string, owner: string, extra: Record<string, unknown> = {}): PermitToSave {
    const raw = { id, openedDate: `${openedDate} 00:00:00`, type: { value: 'Building/Residential/Trade/Mechanical', text: 'Mechanical' }, addresses: [ADDRESS], owners: [{ isPrimary: 'Y', fullName: owner }], ...extra };
    const parsed = parseAccelaRecord(raw);
    assert.ok(parsed.ok && parsed.fields.address, `test record ${id} parses with an address`);
    return { fields: parsed.fields, enriched: true, raw };
  }
  const save = (permits: PermitToSave[]) => withTransaction(database.db, (tx) => savePermitPage(tx, countyId, permits, AS_OF));
  const property = async () =>
    (await database.db.query<{ id: number; owner_name: string; permit_count: number; latest_hvac_permit_date: string; linked: number }>(
      `SELECT pr.id, pr.owner_name, pr.permit_count, pr.latest_hvac_permit_date::text,
              (SELECT count(*)::int FROM permits p WHERE p.property_id = pr.id) AS linked
         FROM properties pr WHERE pr.county_id = $1`,
      [countyId],
    )).rows;

  before(async () => {
    database = await createTestDatabase('permit_page_store');
    countyId = await insertBareCounty(database.db, 'Page County', 'PAGE');
  });
  after(async () => {
    await database?.drop();
  });

  it('creates the property of a new address with its permit linked', async () => {
    const result = await save([permit('R-1', '2012-03-01', 'Old Owner')]);
    // A 2012 HVAC permit is over five years old on the day measured: the property is a lead.
    assert.deepEqual(result, { inserted: 1, updated: 0, propertiesCreated: 1, propertiesUpdated: 0, leadsCreated: 1 });
    const [row] = await property();
    assert.deepEqual({ owner: row!.owner_name, count: row!.permit_count, latest: row!.latest_hvac_permit_date, linked: row!.linked }, { owner: 'Old Owner', count: 1, latest: '2012-03-01', linked: 1 });
  });

  it('rebuilds the property from the saved permits and the page together, newest permit first', async () => {
    const result = await save([permit('R-2', '2016-07-15', 'New Owner'), permit('R-0', '2008-01-01', 'Oldest Owner')]);
    assert.deepEqual([result.inserted, result.updated, result.propertiesCreated, result.propertiesUpdated], [2, 0, 0, 1]);
    const rows = await property();
    assert.equal(rows.length, 1);
    assert.deepEqual({ owner: rows[0]!.owner_name, count: rows[0]!.permit_count, latest: rows[0]!.latest_hvac_permit_date, linked: rows[0]!.linked }, { owner: 'New Owner', count: 3, latest: '2016-07-15', linked: 3 });
  });

  it('leaves a permit whose record only comes back with its keys in another order alone', async () => {
    const again = permit('R-2', '2016-07-15', 'New Owner');
    const reordered = Object.fromEntries(Object.entries(again.raw as Record<string, unknown>).reverse());
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(again.raw));
    const result = await save([{ ...again, raw: reordered }]);
    assert.deepEqual(result, { inserted: 0, updated: 0, propertiesCreated: 0, propertiesUpdated: 0, leadsCreated: 0 });
  });

  it('saves a permit whose record changed, and the property follows it', async () => {
    const changed = permit('R-2', '2016-07-15', 'Renamed Owner', { description: 'replace condenser' });
    const result = await save([changed]);
    assert.deepEqual([result.inserted, result.updated, result.propertiesUpdated], [0, 1, 1]);
    const [row] = await property();
    assert.deepEqual({ owner: row!.owner_name, count: row!.permit_count, linked: row!.linked }, { owner: 'Renamed Owner', count: 3, linked: 3 });
    const lead = await database.db.query<{ owner_name: string }>(`SELECT owner_name FROM leads WHERE property_id = $1`, [row!.id]);
    assert.deepEqual(lead.rows, [{ owner_name: 'Renamed Owner' }], 'the lead follows its property in the same statement');
    const saved = await database.db.query<{ raw: { description?: string } }>(`SELECT raw FROM permits WHERE record_id = 'R-2'`);
    assert.equal(saved.rows[0]!.raw.description, 'replace condenser');
  });
});
