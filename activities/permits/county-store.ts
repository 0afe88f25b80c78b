import type { AccelaCredentials } from '../../clients/accela/tokens';
import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';

export interface CountyPullConfig {
  id: number;
  agencyName: string;
  module: string;
  permitType: string | null;
  timeZone: string;
  credentials: Omit<AccelaCredentials, 'scope'>;
}

/** A county's pull settings with its secrets decrypted: stays inside the activity, never crosses Temporal. */
export async function loadCountyPullConfig(db: Pick<Database, 'query'>, secrets: SecretBox, countyId: number): Promise<CountyPullConfig | null> {
  const { rows } = await db.query(
    `SELECT id, agency_name, environment, app_id, app_secret_encrypted, username, password_encrypted, permit_type, module, time_zone
       FROM counties WHERE id = $1`,
    [countyId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: Number(row.id),
    agencyName: row.agency_name,
    module: row.module,
    permitType: row.permit_type || null,
    timeZone: row.time_zone,
    credentials: {
      appId: row.app_id,
      appSecret: secrets.decrypt(row.app_secret_encrypted),
      username: row.username,
      password: secrets.decrypt(row.password_encrypted),
      agencyName: row.agency_name,
      environment: row.environment,
    },
  };
}
