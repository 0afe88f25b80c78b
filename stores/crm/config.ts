import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';

export const DEFAULT_CRM_TAGS = ['hvac-lead'];
export const DEFAULT_PHONE_COUNTRY = 'US';

export interface CrmConfig {
  apiToken: string;
  locationId: string;
  defaultTags: string[];
  defaultPhoneCountry: string;
  updatedAt: Date;
}

/** Whether a CRM account is configured (without touching the token). */
export async function isCrmConfigured(db: Pick<Database, 'query'>): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM crm_config WHERE id = 1');
  return (rowCount ?? 0) > 0;
}

/** The CRM account with its token decrypted, or null before it is configured. */
export async function loadCrmConfig(db: Pick<Database, 'query'>, secrets: SecretBox): Promise<CrmConfig | null> {
  const { rows } = await db.query(
    'SELECT api_token_encrypted, location_id, default_tags, default_phone_country, updated_at FROM crm_config WHERE id = 1',
  );
  const row = rows[0];
  if (!row) return null;
  return {
    apiToken: secrets.decrypt(row.api_token_encrypted),
    locationId: row.location_id,
    defaultTags: row.default_tags,
    defaultPhoneCountry: row.default_phone_country,
    updatedAt: row.updated_at,
  };
}

export interface CrmConfigChange {
  /** Omitted: keep the stored token (it is never sent back in clear, so a form cannot echo it). */
  apiToken?: string;
  locationId: string;
  defaultTags?: string[];
  defaultPhoneCountry?: string;
}

export class CrmTokenRequiredError extends Error {
  override name = 'CrmTokenRequiredError';
}

/** Creates or replaces the configuration; the token is sealed before it is stored. */
export async function saveCrmConfig(db: Pick<Database, 'query'>, secrets: SecretBox, change: CrmConfigChange): Promise<void> {
  const settings = [change.locationId, change.defaultTags ?? null, change.defaultPhoneCountry ?? null];
  if (change.apiToken === undefined) {
    const { rowCount } = await db.query(
      `UPDATE crm_config SET location_id = $1, default_tags = COALESCE($2, default_tags),
         default_phone_country = COALESCE($3, default_phone_country), updated_at = now()
       WHERE id = 1`,
      settings,
    );
    if (rowCount === 0) throw new CrmTokenRequiredError('api_token is required the first time HighLevel is configured');
    return;
  }
  await db.query(
    `INSERT INTO crm_config (id, location_id, default_tags, default_phone_country, api_token_encrypted)
     VALUES (1, $1, COALESCE($2, $5::text[]), COALESCE($3, $6), $4)
     ON CONFLICT (id) DO UPDATE SET
       api_token_encrypted = EXCLUDED.api_token_encrypted,
       location_id = EXCLUDED.location_id,
       default_tags = COALESCE($2, crm_config.default_tags),
       default_phone_country = COALESCE($3, crm_config.default_phone_country),
       updated_at = now()`,
    [...settings, secrets.encrypt(change.apiToken), DEFAULT_CRM_TAGS, DEFAULT_PHONE_COUNTRY],
  );
}
