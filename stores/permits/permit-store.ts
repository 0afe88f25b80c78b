import type pg from 'pg';
import type { PermitFields } from '../../domain/permits/permit-record';
import { lockCountyWrites } from './county-write-lock';
import { leadUpsertCtes, propertyUpsertCtes } from './property-store';

export interface PermitToSave {
  fields: PermitFields;
  enriched: boolean;
  raw: unknown;
}

/**
 * Saves a page of permits with the properties and leads at their addresses in one statement, each row written
 * once: the page's new and changed permits (an unchanged row is not touched, so a re-run or a retried activity
 * changes nothing) are merged with the saved permits of the addresses they touch, those addresses' properties are
 * rebuilt and scored from the merge (`propertyUpsertCtes`), their leads kept in step (`leadUpsertCtes`), and the
 * permits inserted already linked to their property. (Aggregating after the insert and then linking wrote every new
 * permit twice, with all its indexes.) Counts are what PostgreSQL actually did. Holds the county's write lock until
 * `tx` ends: every round trip of the page's transaction keeps the county's other pages waiting.
 */
export async function savePermitPage(tx: pg.PoolClient, countyId: number, permits: readonly PermitToSave[], asOf: string) {
  if (permits.length === 0) return { inserted: 0, updated: 0, propertiesCreated: 0, propertiesUpdated: 0, leadsCreated: 0 };
  const rows = permits.map(({ fields, enriched }) => ({
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
  // Serialised before the lock: the other years' pages wait for it only while PostgreSQL works.
  const fields = JSON.stringify(rows);
  const records = JSON.stringify(permits.map((permit) => permit.raw));
  await lockCountyWrites(tx, countyId);
  const result = await tx.query<{ inserted: number; updated: number; properties_created: number; properties_updated: number; leads_created: number }>(
    `WITH page AS (
       SELECT $1::bigint AS county_id, r.record_id, r.custom_id, r.tracking_id, r.module, r.type_path, r.is_hvac, r.status,
         r.opened_date, r.updated_date, r.description, r.address, r.city, r.state, r.postal_code, r.normalized_address,
         r.owner_name, r.owner_phone, r.owner_email, r.parcel_number, r.land_value, r.improved_value, r.enriched, r.raw,
         r.permit_number, r.permit_type, r.permit_type_mapped, r.status_current_mapped, r.work_class_mapped,
         r.permit_class_mapped, r.applied_date, r.issued_date, r.completed_date, r.valuation, r.contractor,
         coalesce(r.trades, '{}') AS trades
         -- The records as received travel apart from the fields, zipped back row by row, and are stored as the json
         -- text they arrive as (migration 0114): inside the fields' JSON each would be lexed as a nested document and
         -- then parsed again, into JSONB, which cost more than all the rest of the statement.
         FROM ROWS FROM (
                json_to_recordset($2::json) AS (record_id text, custom_id text, tracking_id bigint, module text,
                  type_path text, is_hvac boolean, status text, opened_date timestamp, updated_date timestamp,
                  description text, address text, city text, state text, postal_code text, normalized_address text,
                  owner_name text, owner_phone text, owner_email text, parcel_number text, land_value numeric,
                  improved_value numeric, enriched boolean, permit_number text, permit_type text,
                  permit_type_mapped text, status_current_mapped text, work_class_mapped text, permit_class_mapped text,
                  applied_date date, issued_date date, completed_date date, valuation numeric, contractor text,
                  trades text[]),
                json_array_elements($4::json)
              ) AS r(record_id, custom_id, tracking_id, module, type_path, is_hvac, status, opened_date, updated_date,
                description, address, city, state, postal_code, normalized_address, owner_name, owner_phone, owner_email,
                parcel_number, land_value, improved_value, enriched, permit_number, permit_type, permit_type_mapped,
                status_current_mapped, work_class_mapped, permit_class_mapped, applied_date, issued_date, completed_date,
                valuation, contractor, trades, raw)
     ), changed AS (
       -- New permits, and saved ones whose enrichment, trades or record differ (the records compared as JSON
       -- values, so a key order or spacing of their text alone is no change; parsed only for permits seen before).
       SELECT page.*
         FROM page LEFT JOIN permits saved ON saved.county_id = $1 AND saved.record_id = page.record_id
        WHERE saved.id IS NULL OR saved.enriched IS DISTINCT FROM page.enriched OR saved.trades IS DISTINCT FROM page.trades
           OR saved.raw::jsonb IS DISTINCT FROM page.raw::jsonb
     ), touched AS (
       SELECT DISTINCT normalized_address FROM changed WHERE normalized_address IS NOT NULL
     ), permits_of_addresses AS (
       -- Every permit of the touched addresses as it will be once the page is saved.
       -- LATERAL keeps these lookups on the address index whatever the planner guesses of the page's size.
       SELECT p.normalized_address, p.record_id, p.opened_date, p.address, p.city, p.state, p.postal_code, p.owner_name,
              p.owner_phone, p.owner_email, p.parcel_number, p.land_value, p.improved_value, p.is_hvac
         FROM touched t
        CROSS JOIN LATERAL (SELECT * FROM permits WHERE county_id = $1 AND normalized_address = t.normalized_address) p
        WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.record_id = p.record_id)
       UNION ALL
       SELECT c.normalized_address, c.record_id, c.opened_date, c.address, c.city, c.state, c.postal_code, c.owner_name,
              c.owner_phone, c.owner_email, c.parcel_number, c.land_value, c.improved_value, c.is_hvac
         FROM changed c
        WHERE c.normalized_address IS NOT NULL
     ), ${propertyUpsertCtes('permits_of_addresses')}, property_ids AS (
       -- New and changed properties come from the upsert (this statement cannot see them in the table); unchanged ones from the table.
       SELECT id, normalized_address FROM upserted_properties
       UNION
       SELECT pr.id, pr.normalized_address
         FROM touched t
        CROSS JOIN LATERAL (SELECT id, normalized_address FROM properties WHERE county_id = $1 AND normalized_address = t.normalized_address) pr
     ), touched_properties AS (
       -- Every touched property as it will be: new and changed ones from the upsert, unchanged ones from the table.
       SELECT id, lead_score, lead_tier, owner_name, owner_phone, owner_email, address, city, state, postal_code,
              hvac_age_years, latest_hvac_permit_date
         FROM upserted_properties
       UNION ALL
       SELECT pr.id, pr.lead_score, pr.lead_tier, pr.owner_name, pr.owner_phone, pr.owner_email, pr.address, pr.city,
              pr.state, pr.postal_code, pr.hvac_age_years, pr.latest_hvac_permit_date
         FROM touched t
        CROSS JOIN LATERAL (SELECT * FROM properties WHERE county_id = $1 AND normalized_address = t.normalized_address) pr
        WHERE NOT EXISTS (SELECT 1 FROM upserted_properties u WHERE u.id = pr.id)
     ), ${leadUpsertCtes('touched_properties')}, upserted_permits AS (
       INSERT INTO permits (county_id, record_id, custom_id, tracking_id, module, type_path, is_hvac, status, opened_date,
         updated_date, description, address, city, state, postal_code, normalized_address, owner_name,
         owner_phone, owner_email, parcel_number, land_value, improved_value, enriched, raw, permit_number,
         permit_type, permit_type_mapped, status_current_mapped, work_class_mapped, permit_class_mapped,
         applied_date, issued_date, completed_date, valuation, contractor, trades, property_id)
       SELECT c.county_id, c.record_id, c.custom_id, c.tracking_id, c.module, c.type_path, c.is_hvac, c.status,
         c.opened_date, c.updated_date, c.description, c.address, c.city, c.state, c.postal_code,
         c.normalized_address, c.owner_name, c.owner_phone, c.owner_email, c.parcel_number, c.land_value,
         c.improved_value, c.enriched, c.raw, c.permit_number, c.permit_type, c.permit_type_mapped,
         c.status_current_mapped, c.work_class_mapped, c.permit_class_mapped, c.applied_date, c.issued_date,
         c.completed_date, c.valuation, c.contractor, c.trades, property_ids.id
         FROM changed c LEFT JOIN property_ids ON property_ids.normalized_address = c.normalized_address
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
         valuation = EXCLUDED.valuation, contractor = EXCLUDED.contractor, trades = EXCLUDED.trades,
         property_id = EXCLUDED.property_id, updated_at = now()
       RETURNING (xmax = 0) AS inserted
     )
     SELECT (SELECT count(*) FILTER (WHERE inserted) FROM upserted_permits)::int AS inserted,
            (SELECT count(*) FILTER (WHERE NOT inserted) FROM upserted_permits)::int AS updated,
            (SELECT count(*) FILTER (WHERE inserted) FROM upserted_properties)::int AS properties_created,
            (SELECT count(*) FILTER (WHERE NOT inserted) FROM upserted_properties)::int AS properties_updated,
            (SELECT count(*) FILTER (WHERE inserted) FROM upserted_leads)::int AS leads_created`,
    [countyId, fields, asOf, records],
  );
  const row = result.rows[0]!;
  return { inserted: row.inserted, updated: row.updated, propertiesCreated: row.properties_created, propertiesUpdated: row.properties_updated, leadsCreated: row.leads_created };
}
