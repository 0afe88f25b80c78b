import type { Client } from '@temporalio/client';
import { accelaConnectionTestClient, type CountyCredentials } from '../../clients/accela/connections';
import { AccelaApiError } from '../../clients/accela/errors';
import type { Settings } from '../../config/settings';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { DataStatus } from '../../domain/permits/freshness';
import type { Database } from '../../platform/database';
import { maskSecret, type SecretBox } from '../../platform/encryption';
import {
  countyCredentials, type CountyFields, type CountyRow, deleteCounty as deleteCountyRow, findCounty, findCountyByAgency, findCountyBySource, insertCounty, insertOpenDataCounty,
  listCounties as listCountyRows, type OpenDataCountyFields, type OpenDataSourceConfig, openDataSourceName, updateCounty as updateCountyRow, updateOpenDataCounty,
} from '../../stores/permits/county-store';
import { recordSourceModifiedAt } from '../../stores/permits/county-freshness-store';
import { findActiveJob } from '../../stores/permits/job-store';
import { loadRateLimitStats } from '../../stores/permits/rate-limit-stats-store';
import { countiesFreshness, type FreshnessContext } from './county-freshness';
import { deleteCountySchedule } from './county-schedule';
import { checkOpenDataSource, describeMissingColumns, type OpenDataSourceCheck, platformErrorCode } from './open-data-connection';

export interface CountyContext {
  db: Database;
  secrets: SecretBox;
}

/** What showing a county needs: its data freshness too. */
export type CountyViewContext = CountyContext & FreshnessContext;

/** A county as the API shows it: its secrets masked, never decrypted beyond this service, and its data's freshness. */
export type MaskedCounty = Omit<CountyRow, 'app_secret_encrypted' | 'password_encrypted' | 'source_token_encrypted'> & {
  app_secret: string | null;
  password: string | null;
  source_token: string | null;
  source_modified_at: Date | null;
  data_status: DataStatus;
  data_status_reason: string | null;
  last_successful_pull_at: Date | null;
};

/** A new county as the API takes it: an Accela agency (the default platform), or a Socrata dataset or ArcGIS layer. */
export type NewCounty =
  | ({ platform?: 'accela' } & CountyFields)
  | ({ platform: 'socrata'; domain: string; dataset_id: string } & OpenDataFields)
  | ({ platform: 'arcgis'; layer_url: string } & OpenDataFields);
type OpenDataFields = Pick<OpenDataSourceConfig, 'field_mapping'> & Omit<OpenDataCountyFields, 'source'>;

/** Changes to a county: Accela fields for an Accela county, `source` and `source_token` for an open-data one. */
export type CountyChanges = Partial<CountyFields> & { source?: OpenDataSourceConfig; source_token?: string | null };

/**
 * A connection test's finding. Accela: a token and one records call. Socrata and ArcGIS: the live metadata, every
 * mapped column looked up in it (`missing_columns`, success only when none is missing) and a row count.
 */
export interface ConnectionTestOutcome {
  success: boolean;
  records_seen: number | null;
  error_code: string | null;
  error_message: string | null;
  /** Mapped source columns the live metadata does not list (always empty for Accela, which has no mapping). */
  missing_columns: string[];
  /** The source's own last-modified time (null for Accela, which publishes none, and when the source did not answer). */
  source_modified_at: Date | null;
}

async function masked(context: CountyViewContext, rows: readonly CountyRow[]): Promise<MaskedCounty[]> {
  const freshness = await countiesFreshness(context, rows);
  return rows.map((row) => {
    const { app_secret_encrypted, password_encrypted, source_token_encrypted, ...rest } = row;
    const open = (sealed: string | null) => maskSecret(sealed === null ? null : context.secrets.decrypt(sealed));
    const { status, reason, lastSuccessfulPullAt, sourceModifiedAt } = freshness.get(Number(row.id))!;
    return {
      ...rest, app_secret: open(app_secret_encrypted), password: open(password_encrypted), source_token: open(source_token_encrypted),
      source_modified_at: sourceModifiedAt, data_status: status, data_status_reason: reason, last_successful_pull_at: lastSuccessfulPullAt,
    };
  });
}

async function maskedOne(context: CountyViewContext, row: CountyRow): Promise<MaskedCounty> {
  return (await masked(context, [row]))[0]!;
}

function openDataCounty(county: Extract<NewCounty, { platform: 'socrata' | 'arcgis' }>): OpenDataCountyFields {
  const { name, source_token, time_zone, field_mapping } = county;
  const source: OpenDataSourceConfig = county.platform === 'socrata'
    ? { platform: 'socrata', domain: county.domain, dataset_id: county.dataset_id, field_mapping }
    : { platform: 'arcgis', layer_url: county.layer_url, field_mapping };
  return { name, source, source_token, time_zone };
}

async function requireCounty(db: Database, countyId: number): Promise<CountyRow> {
  const row = await findCounty(db, countyId);
  if (!row) throw new NotFoundError(`county ${countyId} does not exist`);
  return row;
}

/** Inserts the county; one for the same source (or agency, environment and permit type) is a ConflictError. */
async function insertNewCounty(context: CountyContext, county: NewCounty): Promise<CountyRow> {
  if (county.platform === 'socrata' || county.platform === 'arcgis') {
    const fields = openDataCounty(county);
    const row = await insertOpenDataCounty(context.db, context.secrets, fields);
    if (!row) throw new ConflictError(`a county for ${county.platform} source ${openDataSourceName(fields.source)} exists already`);
    return row;
  }
  const { platform: _accela, ...fields } = county;
  const row = await insertCounty(context.db, context.secrets, fields);
  if (!row) throw new ConflictError(`a county for agency ${fields.agency_name} (${fields.environment}, ${fields.permit_type}) exists already`);
  return row;
}

export async function createCounty(context: CountyViewContext, county: NewCounty): Promise<MaskedCounty> {
  return maskedOne(context, await insertNewCounty(context, county));
}

export async function listCounties(context: CountyViewContext): Promise<MaskedCounty[]> {
  return masked(context, await listCountyRows(context.db));
}

export async function getCounty(context: CountyViewContext, countyId: number): Promise<MaskedCounty> {
  return maskedOne(context, await requireCounty(context.db, countyId));
}

/** Accela fields on an open-data county, a source on an Accela county or a change of platform are InvalidRequestErrors. */
export async function updateCounty(context: CountyViewContext, countyId: number, changes: CountyChanges): Promise<MaskedCounty> {
  const current = await requireCounty(context.db, countyId);
  const { source, source_token, name, time_zone, ...accelaOnly } = changes;
  let row: CountyRow | 'missing' | 'duplicate';
  if (current.platform === 'accela') {
    const openDataOnly = Object.entries({ source, source_token }).filter(([, value]) => value !== undefined).map(([field]) => field);
    if (openDataOnly.length > 0) throw new ConflictError(`county ${countyId} is an Accela county: ${openDataOnly.join(', ')} apply to Socrata and ArcGIS counties only`);
    row = await updateCountyRow(context.db, context.secrets, countyId, changes);
  } else {
    const given = Object.entries(accelaOnly).filter(([, value]) => value !== undefined).map(([field]) => field);
    if (given.length > 0) throw new ConflictError(`county ${countyId} is a ${current.platform} county: ${given.join(', ')} apply to Accela counties only`);
    if (source && source.platform !== current.platform) {
      throw new ConflictError(`county ${countyId} is a ${current.platform} county: its source cannot become ${source.platform}`);
    }
    row = await updateOpenDataCounty(context.db, context.secrets, countyId, { name, time_zone, source, source_token });
  }
  if (row === 'missing') throw new NotFoundError(`county ${countyId} does not exist`);
  if (row === 'duplicate') throw new ConflictError('another county has this agency, environment and permit type');
  return maskedOne(context, row);
}

/** Deletes a county, its data and its schedule; a county with a pull running is a ConflictError. */
export async function deleteCounty(context: { db: Database; temporal: Client }, countyId: number): Promise<void> {
  await requireCounty(context.db, countyId);
  const active = await findActiveJob(context.db, countyId);
  if (active) throw new ConflictError(`county ${countyId} has a pull running (job ${active.id}); cancel it first`);
  await deleteCountySchedule(context.temporal, countyId);
  await deleteCountyRow(context.db, countyId);
}

/** Obtains a token and makes one records call; Accela's refusal is an outcome, not an error. */
export async function testAccelaCredentials(settings: Settings, credentials: CountyCredentials, module: string): Promise<ConnectionTestOutcome> {
  const client = accelaConnectionTestClient(settings, credentials);
  try {
    const { recordsSeen } = await client.testConnection(module);
    return { success: true, records_seen: recordsSeen, error_code: null, error_message: null, missing_columns: [], source_modified_at: null };
  } catch (error) {
    if (error instanceof AccelaApiError) return { success: false, records_seen: null, error_code: error.code, error_message: error.message, missing_columns: [], source_modified_at: null };
    throw error;
  }
}

/** A Socrata or ArcGIS check as a connection test's outcome: a mapped column the source lacks fails it, by name. */
function openDataOutcome(check: OpenDataSourceCheck): ConnectionTestOutcome {
  if (!check.connected) {
    return { success: false, records_seen: null, error_code: platformErrorCode(check.error), error_message: check.error.message, missing_columns: [], source_modified_at: null };
  }
  const missing = check.missingColumns;
  return {
    success: missing.length === 0,
    records_seen: check.recordsSeen,
    error_code: missing.length === 0 ? null : 'missing_columns',
    error_message: missing.length === 0 ? null : `the source has no column ${describeMissingColumns(check.mapping, missing)} of the field mapping`,
    missing_columns: missing,
    source_modified_at: check.sourceModifiedAt,
  };
}

/** Tests a Socrata dataset or ArcGIS layer and its field mapping before a county is saved with them. */
export async function testOpenDataSource(settings: Settings, source: OpenDataSourceConfig, token: string | null): Promise<ConnectionTestOutcome> {
  return openDataOutcome(await checkOpenDataSource(settings, source, token));
}

/**
 * Checks a saved open-data county's source and mapping against the live metadata and records the source's
 * last-modified time on the county (its data freshness compares it with the pulls).
 */
export async function checkCountySource(context: CountyContext & { settings: Settings }, row: CountyRow): Promise<OpenDataSourceCheck> {
  if (!row.source_config) throw new Error(`county ${row.id} is an Accela county: it has no open-data source`);
  const token = row.source_token_encrypted === null ? null : context.secrets.decrypt(row.source_token_encrypted);
  const check = await checkOpenDataSource(context.settings, row.source_config, token);
  if (check.connected && check.sourceModifiedAt) await recordSourceModifiedAt(context.db, row.id, check.sourceModifiedAt);
  return check;
}

/** A saved county's connection test: Accela credentials and module, or its open-data source and mapping. */
export async function testCountyConnection(context: CountyContext & { settings: Settings }, countyId: number): Promise<ConnectionTestOutcome> {
  const row = await requireCounty(context.db, countyId);
  if (row.platform !== 'accela') return openDataOutcome(await checkCountySource(context, row));
  return testAccelaCredentials(context.settings, countyCredentials(row, context.secrets), row.module);
}

/** What the county's pulls saw of Accela's rate limit (zeros before its first pull). */
export async function countyRateLimitStats(db: Database, countyId: number) {
  await requireCounty(db, countyId);
  const row = await loadRateLimitStats(db, countyId);
  return {
    limit: (row?.limit_per_window ?? null) as number | null,
    remaining: (row?.remaining ?? null) as number | null,
    resetAt: (row?.reset_at ?? null) as Date | null,
    requestsMade: (row?.requests_made ?? 0) as number,
    throttledCount: (row?.throttled_count ?? 0) as number,
    waitSeconds: Math.round((row?.wait_ms ?? 0) / 100) / 10,
    updatedAt: (row?.updated_at ?? null) as Date | null,
  };
}

/** The id of the county of this agency and environment, if one is configured. */
export async function findCountyIdByAgency(db: Database, agencyName: string, environment: 'PROD' | 'TEST'): Promise<number | undefined> {
  return (await findCountyByAgency(db, agencyName, environment))?.id;
}

/** The id of the county configured for this Accela agency and environment, Socrata dataset or ArcGIS layer, if any. */
export async function findConfiguredCountyId(db: Database, county: NewCounty): Promise<number | undefined> {
  const row = county.platform === 'socrata' || county.platform === 'arcgis'
    ? await findCountyBySource(db, openDataCounty(county).source)
    : await findCountyByAgency(db, county.agency_name, county.environment);
  return row?.id;
}

/** The id of the county of this agency, dataset or layer (the sandbox's demo counties), created when there is none. */
export async function ensureDemoCounty(context: CountyContext, county: NewCounty): Promise<number> {
  return (await findConfiguredCountyId(context.db, county)) ?? (await insertNewCounty(context, county)).id;
}
