import { NotFoundError } from '../../domain/errors';
import type { Trade } from '../../domain/permits/trades';
import type { Database } from '../../platform/database';

export interface PageWindow {
  limit: number;
  offset: number;
}

export type LeadTier = 'HOT' | 'WARM' | 'COOL' | 'COLD';

const PERMIT_COLUMNS = `id, county_id, record_id, custom_id, type_path, is_hvac, status, opened_date::text, updated_date::text, description,
  address, city, state, postal_code, owner_name, parcel_number, land_value, improved_value, enriched, property_id, permit_number, permit_type,
  permit_type_mapped, status_current_mapped, work_class_mapped, permit_class_mapped, applied_date::text, issued_date::text,
  completed_date::text, valuation, contractor, trades`;
const PROPERTY_COLUMNS = `id, county_id, address, normalized_address, city, state, postal_code, owner_name, parcel_number, land_value,
  improved_value, latest_hvac_permit_date::text, hvac_age_years, permit_count, lead_score, lead_tier`;

export type PermitListFilter = { countyId?: number; dateFrom?: string; dateTo?: string; trade?: Trade } & PageWindow;

/** The statement `listPermits` runs (exported so a test can check its plan). */
export function permitListQuery(filter: PermitListFilter) {
  return {
    // Qualified: a bare `opened_date` here would name the text column of the select list, which no index sorts.
    text: `SELECT ${PERMIT_COLUMNS} FROM permits p
      WHERE ($1::bigint IS NULL OR p.county_id = $1) AND ($2::date IS NULL OR p.opened_date >= $2) AND ($3::date IS NULL OR p.opened_date < $3::date + 1)
        AND ($6::text IS NULL OR p.trades @> ARRAY[$6::text])
      ORDER BY p.opened_date DESC, p.id DESC LIMIT $4 OFFSET $5`,
    values: [filter.countyId ?? null, filter.dateFrom ?? null, filter.dateTo ?? null, filter.limit, filter.offset, filter.trade ?? null],
  };
}

/** Permits, newest opened first; dates (`yyyy-MM-dd`) bound the opened date, both inclusive; `trade` keeps those tagged with it. */
export async function listPermits(db: Database, filter: PermitListFilter) {
  return (await db.query(permitListQuery(filter))).rows;
}

/** One permit with the record as received. */
export async function getPermit(db: Database, permitId: number) {
  const { rows } = await db.query(`SELECT ${PERMIT_COLUMNS}, raw FROM permits WHERE id = $1`, [permitId]);
  if (!rows[0]) throw new NotFoundError(`permit ${permitId} does not exist`);
  return rows[0];
}

export type PropertyListFilter = { countyId?: number; tier?: LeadTier } & PageWindow;

/** The statement `listProperties` runs (exported so a test can check its plan). */
export function propertyListQuery(filter: PropertyListFilter) {
  return {
    text: `SELECT ${PROPERTY_COLUMNS} FROM properties WHERE ($1::bigint IS NULL OR county_id = $1) AND ($2::text IS NULL OR lead_tier = $2)
      ORDER BY lead_score DESC NULLS LAST, id LIMIT $3 OFFSET $4`,
    values: [filter.countyId ?? null, filter.tier ?? null, filter.limit, filter.offset],
  };
}

/** Properties, best lead score first. */
export async function listProperties(db: Database, filter: PropertyListFilter) {
  return (await db.query(propertyListQuery(filter))).rows;
}

export async function getProperty(db: Database, propertyId: number) {
  const { rows } = await db.query(`SELECT ${PROPERTY_COLUMNS} FROM properties WHERE id = $1`, [propertyId]);
  if (!rows[0]) throw new NotFoundError(`property ${propertyId} does not exist`);
  return rows[0];
}
