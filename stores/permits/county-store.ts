import type { CountyCredentials } from '../../clients/accela/connections';
import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';
import type { FieldMapping } from '../../domain/permits/open-data-record';
import { isUniqueViolation } from './postgres-errors';

/** An Accela county's pull settings with its secrets decrypted. */
export interface AccelaPullConfig {
  platform: 'accela';
  id: number;
  agencyName: string;
  module: string;
  permitType: string | null;
  timeZone: string;
  credentials: CountyCredentials;
}

/** A Socrata or ArcGIS county's pull settings: its source, field mapping and token decrypted. */
export interface OpenDataPullConfig {
  platform: 'socrata' | 'arcgis';
  id: number;
  timeZone: string;
  source: OpenDataSourceConfig;
  token: string | null;
}

/** A county's pull settings, secrets decrypted: they stay inside the activity and never cross Temporal. */
export type CountyPullConfig = AccelaPullConfig | OpenDataPullConfig;

export type CountyPlatform = 'accela' | 'socrata' | 'arcgis';

/** A `counties` row as stored: secrets sealed (the Accela ones null on an open-data county, the source token on Accela). */
export type CountyRow = Record<string, any> & {
  id: number;
  platform: CountyPlatform;
  app_secret_encrypted: string | null;
  password_encrypted: string | null;
  source_config: OpenDataSourceConfig | null;
  source_token_encrypted: string | null;
};

/** The writable columns of an Accela county; secrets in the clear (sealed here, never stored open). */
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

/** Where a Socrata or ArcGIS county's permits are, and how its columns map to the canonical permit. */
export type OpenDataSourceConfig =
  | { platform: 'socrata'; domain: string; dataset_id: string; field_mapping: FieldMapping }
  | { platform: 'arcgis'; layer_url: string; field_mapping: FieldMapping };

/** The writable columns of a Socrata or ArcGIS county; the app token (Socrata) or token (ArcGIS) in the clear, optional. */
export interface OpenDataCountyFields {
  name: string;
  source: OpenDataSourceConfig;
  source_token: string | null;
  time_zone: string;
}

/** What identifies an open-data source, stored as the county's `agency_name` so one source is added once. */
export function openDataSourceName(source: OpenDataSourceConfig): string {
  return source.platform === 'socrata' ? `${source.domain}/${source.dataset_id}` : source.layer_url;
}

/** A county's pull settings with its secrets decrypted, or null when the county does not exist. */
export async function loadCountyPullConfig(db: Pick<Database, 'query'>, secrets: SecretBox, countyId: number): Promise<CountyPullConfig | null> {
  const row = await findCounty(db, countyId);
  if (!row) return null;
  if (row.platform !== 'accela') {
    if (!row.source_config) throw new Error(`county ${row.id} is a ${row.platform} county without a source`);
    const token = row.source_token_encrypted === null ? null : secrets.decrypt(row.source_token_encrypted);
    return { platform: row.platform, id: Number(row.id), timeZone: row.time_zone, source: row.source_config, token };
  }
  return {
    platform: 'accela',
    id: Number(row.id),
    agencyName: row.agency_name,
    module: row.module,
    permitType: row.permit_type || null,
    timeZone: row.time_zone,
    credentials: countyCredentials(row, secrets),
  };
}

export function countyCredentials(row: CountyRow, secrets: SecretBox): CountyCredentials {
  if (row.platform !== 'accela' || row.app_secret_encrypted === null || row.password_encrypted === null) {
    throw new Error(`county ${row.id} is a ${row.platform} county: it has no Accela credentials`);
  }
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

/** The county of a Socrata dataset or ArcGIS layer (its `agency_name`, see openDataSourceName), or null. */
export async function findCountyBySource(db: Database, source: OpenDataSourceConfig): Promise<CountyRow | null> {
  const { rows } = await db.query<CountyRow>(`SELECT * FROM counties WHERE platform = $1 AND agency_name = $2 ORDER BY id LIMIT 1`, [source.platform, openDataSourceName(source)]);
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

/** Inserts a Socrata or ArcGIS county; null when one with the same source and permit type exists. */
export async function insertOpenDataCounty(db: Database, secrets: SecretBox, county: OpenDataCountyFields): Promise<CountyRow | null> {
  try {
    const { rows } = await db.query<CountyRow>(
      `INSERT INTO counties (name, platform, agency_name, source_config, source_token_encrypted, time_zone)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [county.name, county.source.platform, openDataSourceName(county.source), county.source,
        county.source_token === null ? null : secrets.encrypt(county.source_token), county.time_zone],
    );
    return rows[0]!;
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/** Changes an open-data county's fields given; a null token removes it. Same outcomes as `updateCounty`. */
export async function updateOpenDataCounty(
  db: Database, secrets: SecretBox, countyId: number, changes: Partial<OpenDataCountyFields>,
): Promise<CountyRow | 'missing' | 'duplicate'> {
  return updateColumns(db, countyId, {
    name: changes.name, time_zone: changes.time_zone,
    source_config: changes.source, agency_name: changes.source && openDataSourceName(changes.source),
    source_token_encrypted: changes.source_token === undefined ? undefined : changes.source_token === null ? null : secrets.encrypt(changes.source_token),
  });
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
  return updateColumns(db, countyId, columns);
}

/** Sets the columns whose value is not undefined (null clears one). */
async function updateColumns(db: Database, countyId: number, columns: Record<string, unknown>): Promise<CountyRow | 'missing' | 'duplicate'> {
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
