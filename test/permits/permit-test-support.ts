import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';
import type { AccelaSimulator } from '../../simulators/accela/server';
import { waitFor } from '../support/wait-for';

/** Inserts a county pointed at the simulator's credentials, secrets sealed with the workers' key. */
export async function insertCounty(db: Database, secrets: SecretBox, simulator: Pick<AccelaSimulator, 'credentials'>, agencyName: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO counties (name, agency_name, environment, app_id, app_secret_encrypted, username, password_encrypted)
     VALUES ($1, $2, 'TEST', $3, $4, $5, $6) RETURNING id`,
    [`${agencyName} County`, agencyName, simulator.credentials.appId, secrets.encrypt(simulator.credentials.appSecret),
      simulator.credentials.username, secrets.encrypt(simulator.credentials.password)],
  );
  return rows[0]!.id;
}

export async function jobRow(db: Database, jobId: number) {
  const { rows } = await db.query(`SELECT * FROM permit_pull_jobs WHERE id = $1`, [jobId]);
  return rows[0] as Record<string, any>;
}

export async function waitForJobEnd(db: Database, jobId: number, timeoutMs = 180_000) {
  return waitFor(`job ${jobId} to end`, async () => {
    const job = await jobRow(db, jobId);
    return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : null;
  }, { timeoutMs, intervalMs: 200 });
}

export async function countyState(db: Database, countyId: number) {
  const permits = await db.query<{ record_id: string }>(`SELECT record_id FROM permits WHERE county_id = $1 ORDER BY record_id`, [countyId]);
  const properties = await db.query<{ normalized_address: string }>(`SELECT normalized_address FROM properties WHERE county_id = $1 ORDER BY normalized_address`, [countyId]);
  const leads = await db.query<{ normalized_address: string }>(
    `SELECT pr.normalized_address FROM leads l JOIN properties pr ON pr.id = l.property_id WHERE l.county_id = $1 ORDER BY 1`, [countyId]);
  const stamp = await db.query<{ permits: string | null; properties: string | null; leads: string | null }>(
    `SELECT (SELECT max(updated_at)::text FROM permits WHERE county_id = $1) AS permits,
            (SELECT max(updated_at)::text FROM properties WHERE county_id = $1) AS properties,
            (SELECT max(updated_at)::text FROM leads WHERE county_id = $1) AS leads`, [countyId]);
  return {
    permitIds: permits.rows.map((r) => r.record_id),
    propertyKeys: properties.rows.map((r) => r.normalized_address),
    leadKeys: leads.rows.map((r) => r.normalized_address),
    lastUpdates: stamp.rows[0],
  };
}

/**
 * Test files share one Temporal server while each has its own database, so county ids (which name the
 * workflows and schedules) must not repeat across files: each database starts its ids somewhere random.
 */
export async function useDistinctCountyIds(db: Database): Promise<void> {
  await db.query(`ALTER SEQUENCE counties_id_seq RESTART WITH ${1 + Math.floor(Math.random() * 1_000_000_000)}`);
}
