import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '../../config/settings';
import { generateEncryptionKey, SecretBox } from '../../platform/encryption';
import { createCounty } from '../../services/permits/counties';
import { createLeadsFromPermits } from '../../services/permits/leads';
import { COUNTY_WRITE_LOCK } from '../../stores/permits/county-write-lock';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/wait-for';

/**
 * Creating leads from permits re-aggregates properties, which must not run beside a page being
 * written for the same county: the store takes the county's write lock, so the service waits for it.
 */
describe('leads from permits take the county write lock', () => {
  let database: TestDatabase;
  let countyId: number;
  let permitId: number;

  before(async () => {
    database = await createTestDatabase('permits_lock');
    const secrets = SecretBox.fromBase64(generateEncryptionKey());
    countyId = (await createCounty({ db: database.db, secrets, settings: loadSettings({}) }, {
      name: 'Lock County', agency_name: 'LOCK', environment: 'TEST', app_id: 'app', app_secret: 'secret', username: 'user', password: 'password',
      permit_type: 'Building/Residential/Trade/Mechanical', module: 'Building', time_zone: 'America/New_York',
    })).id;
    const { rows } = await database.db.query<{ id: number }>(
      `INSERT INTO permits (county_id, record_id, is_hvac, opened_date, address, normalized_address, owner_name, raw)
       VALUES ($1, 'R-1', true, '2008-05-01', '1 MAIN ST', '1 MAIN ST TAMPA 33601', 'Ada Owner', '{}') RETURNING id`,
      [countyId],
    );
    permitId = rows[0]!.id;
  });
  after(async () => {
    await database?.drop();
  });

  it('waits while a page write holds the county lock, then creates the lead', async () => {
    const pageWrite = await database.db.connect();
    try {
      await pageWrite.query('BEGIN');
      await pageWrite.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [COUNTY_WRITE_LOCK, countyId]);
      let settled = false;
      const creating = createLeadsFromPermits(database.db, [permitId]).finally(() => (settled = true));
      await waitFor('the service to wait for the county lock', async () => {
        const { rows } = await database.db.query(
          `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND NOT granted`,
          [COUNTY_WRITE_LOCK, countyId],
        );
        return rows.length > 0;
      }, { timeoutMs: 10_000 });
      assert.equal(settled, false, 'nothing was aggregated beside the page write');
      await pageWrite.query('COMMIT');
      const created = await creating;
      assert.equal(created.leadsCreated, 1);
      assert.deepEqual(created.notQualifyingPermitIds, []);
    } finally {
      pageWrite.release();
    }
  });
});
