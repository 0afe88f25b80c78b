import type { CountyCredentials } from '../../clients/accela/connections';
import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';
import { isUniqueViolation } from './postgres-errors';

export interface CountyPullConfig {
  id: number;
  agencyName: string;
  module: string;
  permitType: string | null;
  timeZone: string;
  credentials: CountyCredentials;
}

/** A `counties` row as stored: secrets sealed. */
export type CountyRow = Record<string, any> & { id: number; app_secret_encrypted: string; password_encrypted: string };

/** The writable columns of a county; secrets in the clear (sealed here, never stored open). */
export interface CountyFields {
  name: string;
  agency_name: string;
  environment: 'PROD' | 'TEST';
  app_id: string;
  app_secret: string;
  username: string;
  password: string;
  permit_type: string;
  module: string;
  time_zone: string;
}

/** A county's pull settings with its secrets decrypted: stays inside the activity, never crosses Temporal. */
export async function loadCountyPullConfig(db: Pick<Database, 'query'>, secrets: SecretBox, countyId: number): Promise<CountyPullConfig | null> {
  const row = await findCounty(db, countyId);
  if (!row) return null;
  return {
    id: Number(row.id),
    agencyName: row.agency_name,
    module: row.module,
    permitType: row.permit_type || null,
    timeZone: row.time_zone,
    credentials: countyCredentials(row, secrets),
  };
}

export function countyCredentials(row: CountyRow, secrets: SecretBox): CountyCredentials {
  return {
    appId: row.app_id,
    appSecret: secrets.decrypt(row.app_secret_encrypted),
    username: row.username,
    password: secrets.decrypt(row.password_encrypted),
    agencyName: row.agency_name,
    environment: row.environment,
  };
}

export async function findCounty(db: Pick<Database, 'query'>, countyId: number): Promise<CountyRow | null> {
  const { rows } = await db.query<CountyRow>(`SELECT * FROM counties WHERE id = $1`, [countyId]);
  return rows[0] ?? null;
}

export async function listCounties(db: Database): Promise<CountyRow[]> {
  return (await db.query<CountyRow>(`SELECT * FROM counties ORDER BY id`)).rows;
}

/** The first county of an agency in an environment (the sandbox's demo county), or null. */
export async function findCountyByAgency(db: Database, agencyName: string, environment: 'PROD' | 'TEST'): Promise<CountyRow | null> {
  const { rows } = await db.query<CountyRow>(`SELECT * FROM counties WHERE agency_name = $1 AND environment = $2 ORDER BY id LIMIT 1`, [agencyName, environment]);
  return rows[0] ?? null;
}

/** Inserts a county; null when one with the same agency, environment and permit type exists. */
export async function insertCounty(db: Database, secrets: SecretBox, county: CountyFields): Promise<CountyRow | null> {
  try {
    const { rows } = await db.query<CountyRow>(
      `INSERT INTO counties (name, agency_name, environment, app_id, app_secret_encrypted, username, password_encrypted, permit_type, module, time_zone)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [county.name, county.agency_name, county.environment, county.app_id, secrets.encrypt(county.app_secret), county.username,
        secrets.encrypt(county.password), county.permit_type, county.module, county.time_zone],
    );
    return rows[0]!;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/**
 * Changes the fields given (secrets are replaced only when given). Returns the row, `missing` when the
 * county does not exist, or `duplicate` when the change collides with another county.
 */
export async function updateCounty(db: Database, secrets: SecretBox, countyId: number, changes: Partial<CountyFields>): Promise<CountyRow | 'missing' | 'duplicate'> {
  const columns: Record<string, unknown> = {
    name: changes.name, agency_name: changes.agency_name, environment: changes.environment, app_id: changes.app_id, username: changes.username,
    permit_type: changes.permit_type, module: changes.module, time_zone: changes.time_zone,
    app_secret_encrypted: changes.app_secret === undefined ? undefined : secrets.encrypt(changes.app_secret),
    password_encrypted: changes.password === undefined ? undefined : secrets.encrypt(changes.password),
  };
  const given = Object.entries(columns).filter(([, value]) => value !== undefined);
  const assignments = given.map(([column], index) => `${column} = $${index + 2}`);
  try {
    const { rows } = await db.query<CountyRow>(
      `UPDATE counties SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
      [countyId, ...given.map(([, value]) => value)],
    );
    return rows[0] ?? 'missing';
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
}

/** Deletes a county; its permits, properties, leads and jobs go with it (ON DELETE CASCADE). */
export async function deleteCounty(db: Database, countyId: number): Promise<void> {
  await db.query(`DELETE FROM counties WHERE id = $1`, [countyId]);
}
