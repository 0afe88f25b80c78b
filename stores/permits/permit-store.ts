import type pg from 'pg';
import type { PermitFields } from '../../domain/permits/permit-record';
import { lockCountyWrites } from './county-write-lock';

export interface PermitToSave {
  fields: PermitFields;
  enriched: boolean;
  raw: unknown;
}

/**
 * Upserts a page of permits in one statement (its counts and touched addresses summed up by PostgreSQL). Unchanged rows are not touched, so a re-run or a retried
 * activity changes nothing; `inserted`/`updated` are what PostgreSQL actually did. Holds the county's
 * write lock until `tx` ends.
 */
export async function upsertPermits(tx: pg.PoolClient, countyId: number, permits: readonly PermitToSave[]) {
  if (permits.length === 0) return { inserted: 0, updated: 0, addressKeys: [] as string[] };
  await lockCountyWrites(tx, countyId);
  const rows = permits.map(({ fields, enriched, raw }) => ({
    record_id: fields.recordId,
    custom_id: fields.customId,
    tracking_id: fields.trackingId,
    module: fields.module,
    type_path: fields.typePath,
    is_hvac: fields.isHvac,
    status: fields.status,
    opened_date: fields.openedDate,
    updated_date: fields.updatedDate,
    description: fields.description,
    address: fields.address?.street ?? null,
    city: fields.address?.city ?? null,
    state: fields.address?.state ?? null,
    postal_code: fields.address?.postalCode ?? null,
    normalized_address: fields.address?.key ?? null,
    owner_name: fields.ownerName,
    owner_phone: fields.ownerPhone,
    owner_email: fields.ownerEmail,
    parcel_number: fields.parcelNumber,
    land_value: fields.landValue,
    improved_value: fields.improvedValue,
    enriched,
    raw,
    permit_number: fields.permitNumber,
    permit_type: fields.permitType,
    permit_type_mapped: fields.permitTypeMapped,
    status_current_mapped: fields.statusCurrentMapped,
    work_class_mapped: fields.workClassMapped,
    permit_class_mapped: fields.permitClassMapped,
    applied_date: fields.appliedDate,
    issued_date: fields.issuedDate,
    completed_date: fields.completedDate,
    valuation: fields.valuation,
    contractor: fields.contractor,
    trades: fields.trades,
  }));
  const result = await tx.query<{ inserted: number; updated: number; address_keys: string[] }>(
    `WITH upserted AS (
     INSERT INTO permits (county_id, record_id, custom_id, tracking_id, module, type_path, is_hvac, status, opened_date,
       updated_date, description, address, city, state, postal_code, normalized_address, owner_name, owner_phone,
       owner_email, parcel_number, land_value, improved_value, enriched, raw, permit_number, permit_type, permit_type_mapped,
       status_current_mapped, work_class_mapped, permit_class_mapped, applied_date, issued_date, completed_date, valuation,
       contractor, trades)
     SELECT $1, r.record_id, r.custom_id, r.tracking_id, r.module, r.type_path, r.is_hvac, r.status, r.opened_date,
       r.updated_date, r.description, r.address, r.city, r.state, r.postal_code, r.normalized_address, r.owner_name,
       r.owner_phone, r.owner_email, r.parcel_number, r.land_value, r.improved_value, r.enriched, r.raw, r.permit_number, r.permit_type, r.permit_type_mapped,
       r.status_current_mapped, r.work_class_mapped, r.permit_class_mapped, r.applied_date, r.issued_date, r.completed_date,
       r.valuation, r.contractor, coalesce(r.trades, '{}')
       FROM jsonb_to_recordset($2::jsonb) AS r(record_id text, custom_id text, tracking_id bigint, module text,
         type_path text, is_hvac boolean, status text, opened_date timestamp, updated_date timestamp, description text,
         address text, city text, state text, postal_code text, normalized_address text, owner_name text,
         owner_phone text, owner_email text, parcel_number text, land_value numeric, improved_value numeric,
         enriched boolean, raw jsonb, permit_number text, permit_type text, permit_type_mapped text,
         status_current_mapped text, work_class_mapped text, permit_class_mapped text, applied_date date, issued_date date,
         completed_date date, valuation numeric, contractor text, trades text[])
     ON CONFLICT (county_id, record_id) DO UPDATE SET
       custom_id = EXCLUDED.custom_id, tracking_id = EXCLUDED.tracking_id, module = EXCLUDED.module,
       type_path = EXCLUDED.type_path, is_hvac = EXCLUDED.is_hvac, status = EXCLUDED.status,
       opened_date = EXCLUDED.opened_date, updated_date = EXCLUDED.updated_date, description = EXCLUDED.description,
       address = EXCLUDED.address, city = EXCLUDED.city, state = EXCLUDED.state, postal_code = EXCLUDED.postal_code,
       normalized_address = EXCLUDED.normalized_address, owner_name = EXCLUDED.owner_name,
       owner_phone = EXCLUDED.owner_phone, owner_email = EXCLUDED.owner_email, parcel_number = EXCLUDED.parcel_number,
       land_value = EXCLUDED.land_value, improved_value = EXCLUDED.improved_value, enriched = EXCLUDED.enriched,
       raw = EXCLUDED.raw, permit_number = EXCLUDED.permit_number, permit_type = EXCLUDED.permit_type,
       permit_type_mapped = EXCLUDED.permit_type_mapped, status_current_mapped = EXCLUDED.status_current_mapped,
       work_class_mapped = EXCLUDED.work_class_mapped, permit_class_mapped = EXCLUDED.permit_class_mapped,
       applied_date = EXCLUDED.applied_date, issued_date = EXCLUDED.issued_date, completed_date = EXCLUDED.completed_date,
       valuation = EXCLUDED.valuation, contractor = EXCLUDED.contractor, trades = EXCLUDED.trades, updated_at = now()
     WHERE permits.raw IS DISTINCT FROM EXCLUDED.raw OR permits.enriched IS DISTINCT FROM EXCLUDED.enriched
       OR permits.trades IS DISTINCT FROM EXCLUDED.trades
     RETURNING (xmax = 0) AS inserted, normalized_address)
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
            coalesce(array_agg(DISTINCT normalized_address) FILTER (WHERE normalized_address IS NOT NULL), '{}') AS address_keys
       FROM upserted`,
    [countyId, JSON.stringify(rows)],
  );
  const { inserted, updated, address_keys: addressKeys } = result.rows[0]!;
  return { inserted, updated, addressKeys };
}
