import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { refreshProperties } from '../../stores/permits/property-store';
import { createTestDatabase, insertBareCounty, type TestDatabase } from '../support/database';

/** The store creates leads by the permit's calendar date, not by the age rounded for display. */
describe('leads created by the property store', () => {
  let database: TestDatabase;
  let countyId: number;
  const AS_OF = '2026-01-01';
  const permits: Array<[key: string, openedDate: string]> = [
    ['1 ALMOST ST TAMPA 33601', '2021-01-15'], // 4.96 years: shown as 5.0, no lead
    ['2 EXACT ST TAMPA 33601', '2021-01-01'], // exactly 5 years: a lead
    ['3 DAY ST TAMPA 33601', '2021-01-02'], // a day short of 5 years: no lead
  ];

  before(async () => {
    database = await createTestDatabase('lead_qualification');
    countyId = await insertBareCounty(database.db, 'Qualify County', 'QUALIFY');
    for (const [index, [key, openedDate]] of permits.entries()) {
      await database.db.query(
        `INSERT INTO permits (county_id, record_id, is_hvac, opened_date, address, normalized_address, owner_name, raw)
         VALUES ($1, $2, true, $3, $4, $4, 'Ada Owner', '{}')`,
        [countyId, `R-${index}`, openedDate, key],
      );
    }
  });
  after(async () => {
    await database?.drop();
  });

  it('makes a lead of the exactly-5-year permit only, keeping the rounded age for display', async () => {
    const tx = await database.db.connect();
    try {
      await tx.query('BEGIN');
      const result = await refreshProperties(tx, countyId, permits.map(([key]) => key), AS_OF);
      await tx.query('COMMIT');
      assert.equal(result.leadsCreated, 1);
    } finally {
      tx.release();
    }
    const { rows } = await database.db.query<{ normalized_address: string; hvac_age_years: string; lead: boolean }>(
      `SELECT pr.normalized_address, pr.hvac_age_years::text, l.id IS NOT NULL AS lead
         FROM properties pr LEFT JOIN leads l ON l.property_id = pr.id
        WHERE pr.county_id = $1 ORDER BY pr.normalized_address`,
      [countyId],
    );
    assert.deepEqual(
      rows.map((row) => [row.normalized_address, Number(row.hvac_age_years), row.lead]),
      [
        ['1 ALMOST ST TAMPA 33601', 5, false],
        ['2 EXACT ST TAMPA 33601', 5, true],
        ['3 DAY ST TAMPA 33601', 5, false],
      ],
    );
  });
});
