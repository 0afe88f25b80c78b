import type pg from 'pg';
import { lockCountyWrites } from './county-write-lock';

/**
 * The CTEs that rebuild properties from permits (newest permit wins for address, owner and parcel), score them and
 * upsert them, ending with `upserted_properties` (new and changed properties only: id, inserted, normalized_address
 * and the columns `leadUpsertCtes` reads). `permitsOfAddresses` is a CTE name or parenthesised query giving every permit of the touched addresses
 * as they are to be, in the permits table's column names and types. Parameters: `$1` the county, `$3` the
 * `yyyy-MM-dd` the HVAC ages are measured at. The scoring is the rule of domain/permits/scoring.ts as SQL functions
 * (migration 0104; a parity test holds them equal).
 */
export function propertyUpsertCtes(permitsOfAddresses: string): string {
  const newest = (column: string, presentWhen = column) =>
    `(array_agg(p.${column} ORDER BY p.opened_date DESC, p.record_id DESC) FILTER (WHERE p.${presentWhen} IS NOT NULL))[1]`;
  return `aggregated AS (
       SELECT p.normalized_address,
              (array_agg(p.address ORDER BY p.opened_date DESC, p.record_id DESC))[1] AS address,
              ${newest('city')} AS city, ${newest('state')} AS state, ${newest('postal_code')} AS postal_code,
              ${newest('owner_name')} AS owner_name, ${newest('owner_phone', 'owner_name')} AS owner_phone,
              ${newest('owner_email', 'owner_name')} AS owner_email, ${newest('parcel_number')} AS parcel_number,
              ${newest('land_value')} AS land_value, ${newest('improved_value')} AS improved_value,
              (max(p.opened_date) FILTER (WHERE p.is_hvac))::date AS latest_hvac,
              count(*)::int AS permit_count
         FROM ${permitsOfAddresses} p
        GROUP BY p.normalized_address
     ), aged AS (
       SELECT a.*, permit_hvac_age_years(a.latest_hvac, $3::date) AS hvac_age_years,
              CASE WHEN a.land_value IS NULL AND a.improved_value IS NULL THEN NULL
                   ELSE coalesce(a.land_value, 0) + coalesce(a.improved_value, 0) END AS property_value
         FROM aggregated a
     ), scored AS (
       SELECT aged.*, permit_lead_score(aged.hvac_age_years::float8, aged.property_value::float8, NULL,
                                        extract(year FROM $3::date)::int) AS lead_score
         FROM aged
     ), upserted_properties AS (
       INSERT INTO properties (county_id, normalized_address, address, city, state, postal_code, owner_name, owner_phone,
         owner_email, parcel_number, land_value, improved_value, latest_hvac_permit_date, hvac_age_years, permit_count,
         lead_score, lead_tier)
       SELECT $1, s.normalized_address, s.address, s.city, s.state, s.postal_code, s.owner_name, s.owner_phone,
         s.owner_email, s.parcel_number, s.land_value, s.improved_value, s.latest_hvac, s.hvac_age_years, s.permit_count,
         s.lead_score, permit_lead_tier(s.lead_score)
         FROM scored s
       ON CONFLICT (county_id, normalized_address) DO UPDATE SET
         address = EXCLUDED.address, city = EXCLUDED.city, state = EXCLUDED.state, postal_code = EXCLUDED.postal_code,
         owner_name = EXCLUDED.owner_name, owner_phone = EXCLUDED.owner_phone, owner_email = EXCLUDED.owner_email,
         parcel_number = EXCLUDED.parcel_number, land_value = EXCLUDED.land_value, improved_value = EXCLUDED.improved_value,
         latest_hvac_permit_date = EXCLUDED.latest_hvac_permit_date, hvac_age_years = EXCLUDED.hvac_age_years,
         permit_count = EXCLUDED.permit_count, lead_score = EXCLUDED.lead_score, lead_tier = EXCLUDED.lead_tier,
         updated_at = now()
       WHERE (properties.address, properties.city, properties.state, properties.postal_code, properties.owner_name,
              properties.owner_phone, properties.owner_email, properties.parcel_number, properties.land_value,
              properties.improved_value, properties.latest_hvac_permit_date, properties.hvac_age_years,
              properties.permit_count, properties.lead_score, properties.lead_tier)
         IS DISTINCT FROM
             (EXCLUDED.address, EXCLUDED.city, EXCLUDED.state, EXCLUDED.postal_code, EXCLUDED.owner_name,
              EXCLUDED.owner_phone, EXCLUDED.owner_email, EXCLUDED.parcel_number, EXCLUDED.land_value,
              EXCLUDED.improved_value, EXCLUDED.latest_hvac_permit_date, EXCLUDED.hvac_age_years,
              EXCLUDED.permit_count, EXCLUDED.lead_score, EXCLUDED.lead_tier)
       RETURNING id, (xmax = 0) AS inserted, normalized_address, lead_score, lead_tier, owner_name, owner_phone, owner_email,
         address, city, state, postal_code, hvac_age_years, latest_hvac_permit_date
     )`;
}

/**
 * Rebuilds the properties at these addresses from all their saved permits, scores them, links the permits to them,
 * and keeps their leads in step (`refreshLeads`). Two statements whatever the number of addresses, all the work in
 * PostgreSQL. For permits already saved (leads made from chosen permits); a pulled page saves its permits and
 * properties together (`savePermitPage`). Holds the county's write lock until `tx` ends, so no caller can aggregate
 * beside a page being written.
 */
export async function refreshProperties(tx: pg.PoolClient, countyId: number, addressKeys: readonly string[], asOf: string) {
  if (addressKeys.length === 0) return { created: 0, updated: 0, leadsCreated: 0 };
  await lockCountyWrites(tx, countyId);
  const properties = await tx.query<{ created: number; updated: number }>(
    `WITH permits_of_addresses AS (
       SELECT * FROM permits WHERE county_id = $1 AND normalized_address = ANY($2::text[])
     ), ${propertyUpsertCtes('permits_of_addresses')}, property_ids AS (
       -- New and changed properties come from the upsert (this statement cannot see them in the table); unchanged ones from the table.
       SELECT id, normalized_address FROM upserted_properties
       UNION
       SELECT id, normalized_address FROM properties WHERE county_id = $1 AND normalized_address = ANY($2::text[])
     ), linked AS (
       UPDATE permits p SET property_id = pr.id
         FROM property_ids pr
        WHERE p.county_id = $1 AND p.normalized_address = pr.normalized_address AND p.property_id IS DISTINCT FROM pr.id
     )
     SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted_properties`,
    [countyId, addressKeys, asOf],
  );
  const { created, updated } = properties.rows[0]!;
  return { created, updated, leadsCreated: await refreshLeads(tx, countyId, addressKeys, asOf) };
}

/**
 * The CTEs that keep the leads of `touchedProperties` (a CTE name or parenthesised query of properties rows as they
 * are to be) in step with them: created for qualifying properties, contact fields refreshed when the owner changes,
 * removed (unless already synced) when a newer HVAC permit makes a property no lead. Ends with `upserted_leads
 * (inserted)`. Parameters: `$1` the county, `$3` the day the HVAC ages are measured at.
 */
export function leadUpsertCtes(touchedProperties: string): string {
  return `lead_candidates AS (
       SELECT t.*, permit_qualifies_as_lead(t.latest_hvac_permit_date, $3::date) AS is_lead FROM ${touchedProperties} t
     ), removed_leads AS (
       DELETE FROM leads l USING lead_candidates t WHERE l.property_id = t.id AND NOT t.is_lead AND l.sync_status <> 'synced'
     ), upserted_leads AS (
       INSERT INTO leads (county_id, property_id, score, tier, owner_name, owner_phone, owner_email, address, city, state,
         postal_code, hvac_age_years)
       SELECT $1, t.id, t.lead_score, t.lead_tier, t.owner_name, t.owner_phone, t.owner_email, t.address, t.city,
         t.state, t.postal_code, t.hvac_age_years
         FROM lead_candidates t
        WHERE t.is_lead
       ON CONFLICT (property_id) DO UPDATE SET
         score = EXCLUDED.score, tier = EXCLUDED.tier, owner_name = EXCLUDED.owner_name, owner_phone = EXCLUDED.owner_phone,
         owner_email = EXCLUDED.owner_email, address = EXCLUDED.address, city = EXCLUDED.city, state = EXCLUDED.state,
         postal_code = EXCLUDED.postal_code, hvac_age_years = EXCLUDED.hvac_age_years, updated_at = now(),
         -- A synced lead whose contact changed must reach the CRM again.
         sync_status = CASE WHEN (leads.owner_name, leads.owner_phone, leads.owner_email)
                                IS DISTINCT FROM (EXCLUDED.owner_name, EXCLUDED.owner_phone, EXCLUDED.owner_email)
                            THEN 'pending' ELSE leads.sync_status END
       WHERE (leads.score, leads.tier, leads.owner_name, leads.owner_phone, leads.owner_email, leads.address, leads.city,
              leads.state, leads.postal_code, leads.hvac_age_years)
         IS DISTINCT FROM
             (EXCLUDED.score, EXCLUDED.tier, EXCLUDED.owner_name, EXCLUDED.owner_phone, EXCLUDED.owner_email,
              EXCLUDED.address, EXCLUDED.city, EXCLUDED.state, EXCLUDED.postal_code, EXCLUDED.hvac_age_years)
       RETURNING (xmax = 0) AS inserted
     )`;
}

/**
 * Keeps the leads of the properties at these addresses in step with them (`leadUpsertCtes`). One statement; returns
 * how many leads are new. The caller holds the county's write lock.
 */
async function refreshLeads(tx: pg.PoolClient, countyId: number, addressKeys: readonly string[], asOf: string): Promise<number> {
  if (addressKeys.length === 0) return 0;
  const leads = await tx.query<{ created: number }>(
    `WITH ${leadUpsertCtes('(SELECT * FROM properties WHERE county_id = $1 AND normalized_address = ANY($2::text[]))')}
     SELECT count(*) FILTER (WHERE inserted)::int AS created FROM upserted_leads`,
    [countyId, addressKeys, asOf],
  );
  return leads.rows[0]!.created;
}
