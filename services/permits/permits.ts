import { NotFoundError } from '../../domain/errors';
import { cursorKey, listCursor } from '../../domain/list-cursor';
import type { Trade } from '../../domain/permits/trades';
import type { Database } from '../../platform/database';
import { ListQuery, type ListRequest, readList } from '../../platform/list-query';

export type LeadTier = 'HOT' | 'WARM' | 'COOL' | 'COLD';

const PERMIT_COLUMNS = `id, county_id, record_id, custom_id, type_path, is_hvac, status, opened_date::text, updated_date::text, description,
  address, city, state, postal_code, owner_name, parcel_number, land_value, improved_value, enriched, property_id, permit_number, permit_type,
  permit_type_mapped, status_current_mapped, work_class_mapped, permit_class_mapped, applied_date::text, issued_date::text,
  completed_date::text, valuation, contractor, trades`;
const PROPERTY_COLUMNS = `id, county_id, address, normalized_address, city, state, postal_code, owner_name, parcel_number, land_value,
  improved_value, latest_hvac_permit_date::text, hvac_age_years, permit_count, lead_score, lead_tier`;

export interface PermitListFilter {
  countyId?: number;
  dateFrom?: string;
  dateTo?: string;
  trade?: Trade;
}

// A permit without an opened date sorts after every dated one (the index is on this expression).
const OPENED_KEY = `coalesce(p.opened_date, '-infinity'::timestamp)`;
export const permitListCursor = listCursor('permits', [cursorKey.timestamp, cursorKey.id]);

/** The statements `listPermits` runs (exported so a test can check their plans). */
export function permitListQuery(filter: PermitListFilter) {
  return new ListQuery(PERMIT_COLUMNS, 'permits p', [OPENED_KEY, 'p.id'])
    .filter(filter.countyId, (county) => `p.county_id = ${county}`)
    .filter(filter.dateFrom, (from) => `${OPENED_KEY} >= ${from}::date`)
    .filter(filter.dateTo, (to) => `${OPENED_KEY} < ${to}::date + 1 AND p.opened_date IS NOT NULL`)
    .filter(filter.trade, (trade) => `p.trades @> ARRAY[${trade}::text]`);
}

/** Permits, newest opened first (undated last); dates (`yyyy-MM-dd`) bound the opened date, both inclusive; `trade` keeps those tagged with it. */
export function listPermits(db: Database, filter: PermitListFilter, request: ListRequest) {
  return readList(db, permitListQuery(filter), permitListCursor, request);
}

/** One permit with the record as received. */
export async function getPermit(db: Database, permitId: number) {
  const { rows } = await db.query(`SELECT ${PERMIT_COLUMNS}, raw FROM permits WHERE id = $1`, [permitId]);
  if (!rows[0]) throw new NotFoundError(`permit ${permitId} does not exist`);
  return rows[0];
}

export interface PropertyListFilter {
  countyId?: number;
  tier?: LeadTier;
}

// A property not scored sorts after every scored one (the indexes are on this expression).
const SCORE_KEY = 'coalesce(lead_score, -1)';
export const propertyListCursor = listCursor('properties', [cursorKey.integer, cursorKey.id]);

/** The statements `listProperties` runs (exported so a test can check their plans). */
export function propertyListQuery(filter: PropertyListFilter) {
  return new ListQuery(PROPERTY_COLUMNS, 'properties', [SCORE_KEY, 'id'])
    .filter(filter.countyId, (county) => `county_id = ${county}`)
    .filter(filter.tier, (tier) => `lead_tier = ${tier}`);
}

/** Properties, best lead score first. */
export function listProperties(db: Database, filter: PropertyListFilter, request: ListRequest) {
  return readList(db, propertyListQuery(filter), propertyListCursor, request);
}

export async function getProperty(db: Database, propertyId: number) {
  const { rows } = await db.query(`SELECT ${PROPERTY_COLUMNS} FROM properties WHERE id = $1`, [propertyId]);
  if (!rows[0]) throw new NotFoundError(`property ${propertyId} does not exist`);
  return rows[0];
}
