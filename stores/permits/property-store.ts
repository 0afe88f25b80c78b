import type pg from 'pg';
import { lockCountyWrites } from './county-write-lock';
import { hvacAgeYears, leadScore, leadTier, qualifiesAsLead } from '../../domain/permits/scoring';

interface AggregatedProperty {
  normalized_address: string;
  address: string;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  owner_name: string | null;
  owner_phone: string | null;
  owner_email: string | null;
  parcel_number: string | null;
  land_value: number | null;
  improved_value: number | null;
  latest_hvac: string | null;
  permit_count: number;
}

/**
 * Rebuilds the properties at these addresses from all their permits (newest permit wins for address,
 * owner and parcel), scores them, and keeps leads in step: created for qualifying properties, contact
 * fields refreshed when the owner changes, removed (unless already synced) when a newer HVAC permit
 * makes a property no lead. Three statements, whatever the number of addresses. Holds the county's
 * write lock until `tx` ends, so no caller can aggregate beside a page being written.
 */
export async function refreshProperties(tx: pg.PoolClient, countyId: number, addressKeys: readonly string[], asOf: string) {
  if (addressKeys.length === 0) return { created: 0, updated: 0, leadsCreated: 0 };
  await lockCountyWrites(tx, countyId);
  const newest = (column: string) =>
    `(array_agg(p.${column} ORDER BY p.opened_date DESC, p.record_id DESC) FILTER (WHERE p.${column} IS NOT NULL))[1]`;
  const { rows } = await tx.query<AggregatedProperty>(
    `SELECT p.normalized_address,
            (array_agg(p.address ORDER BY p.opened_date DESC, p.record_id DESC))[1] AS address,
            ${newest('city')} AS city, ${newest('state')} AS state, ${newest('postal_code')} AS postal_code,
            (array_agg(p.owner_name ORDER BY p.opened_date DESC, p.record_id DESC) FILTER (WHERE p.owner_name IS NOT NULL))[1] AS owner_name,
            (array_agg(p.owner_phone ORDER BY p.opened_date DESC, p.record_id DESC) FILTER (WHERE p.owner_name IS NOT NULL))[1] AS owner_phone,
            (array_agg(p.owner_email ORDER BY p.opened_date DESC, p.record_id DESC) FILTER (WHERE p.owner_name IS NOT NULL))[1] AS owner_email,
            ${newest('parcel_number')} AS parcel_number, ${newest('land_value')} AS land_value,
            ${newest('improved_value')} AS improved_value,
            to_char(max(p.opened_date) FILTER (WHERE p.is_hvac), 'YYYY-MM-DD') AS latest_hvac,
            count(*)::int AS permit_count
       FROM permits p
      WHERE p.county_id = $1 AND p.normalized_address = ANY($2::text[])
      GROUP BY p.normalized_address`,
    [countyId, addressKeys],
  );
  const currentYear = Number(asOf.slice(0, 4));
  const scored = rows.map((row) => {
    const age = hvacAgeYears(row.latest_hvac, asOf);
    const value = row.land_value === null && row.improved_value === null ? null : (row.land_value ?? 0) + (row.improved_value ?? 0);
    const score = leadScore({ hvacAgeYears: age, propertyValue: value, yearBuilt: null, currentYear });
    return { ...row, hvac_age_years: age, lead_score: score, lead_tier: leadTier(score), is_lead: qualifiesAsLead(row.latest_hvac, asOf) };
  });

  const upserted = await tx.query<{ id: number; inserted: boolean; normalized_address: string }>(
    `INSERT INTO properties (county_id, normalized_address, address, city, state, postal_code, owner_name, owner_phone,
       owner_email, parcel_number, land_value, improved_value, latest_hvac_permit_date, hvac_age_years, permit_count,
       lead_score, lead_tier)
     SELECT $1, r.normalized_address, r.address, r.city, r.state, r.postal_code, r.owner_name, r.owner_phone,
       r.owner_email, r.parcel_number, r.land_value, r.improved_value, r.latest_hvac, r.hvac_age_years, r.permit_count,
       r.lead_score, r.lead_tier
       FROM jsonb_to_recordset($2::jsonb) AS r(normalized_address text, address text, city text, state text,
         postal_code text, owner_name text, owner_phone text, owner_email text, parcel_number text, land_value numeric,
         improved_value numeric, latest_hvac date, hvac_age_years numeric, permit_count int, lead_score int, lead_tier text)
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
     RETURNING id, (xmax = 0) AS inserted, normalized_address`,
    [countyId, JSON.stringify(scored)],
  );
  const created = upserted.rows.filter((row) => row.inserted).length;

  await tx.query(
    `UPDATE permits p SET property_id = pr.id
       FROM properties pr
      WHERE p.county_id = $1 AND pr.county_id = $1 AND p.normalized_address = pr.normalized_address
        AND p.normalized_address = ANY($2::text[]) AND p.property_id IS DISTINCT FROM pr.id`,
    [countyId, addressKeys],
  );

  const leads = await tx.query<{ inserted: boolean }>(
    `INSERT INTO leads (county_id, property_id, score, tier, owner_name, owner_phone, owner_email, address, city, state,
       postal_code, hvac_age_years)
     SELECT $1, pr.id, pr.lead_score, pr.lead_tier, pr.owner_name, pr.owner_phone, pr.owner_email, pr.address, pr.city,
       pr.state, pr.postal_code, pr.hvac_age_years
       FROM properties pr
      WHERE pr.county_id = $1 AND pr.normalized_address = ANY($2::text[])
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
     RETURNING (xmax = 0) AS inserted`,
    [countyId, scored.filter((p) => p.is_lead).map((p) => p.normalized_address)],
  );
  await tx.query(
    `DELETE FROM leads l USING properties pr
      WHERE l.property_id = pr.id AND pr.county_id = $1 AND pr.normalized_address = ANY($2::text[])
        AND l.sync_status <> 'synced'`,
    [countyId, scored.filter((p) => !p.is_lead).map((p) => p.normalized_address)],
  );
  return { created, updated: upserted.rows.length - created, leadsCreated: leads.rows.filter((row) => row.inserted).length };
}
