import type { Database } from '../../platform/database';
import { insertBareCounty } from '../support/database';

/**
 * Synthetic leads for sync tests and the benchmark. People own one to three properties, so one
 * person can be several leads. Every lead of a person carries that person's key identifier (email
 * or phone, written differently each time); the other identifier is there on some leads only.
 * Every 25th lead has no contact details at all and must be skipped.
 */
export interface SyntheticLeads {
  count: number;
  /** Distinct people with at least one syncable lead: the number of contacts HighLevel must end with. */
  people: number;
  skipped: number;
  /** For each lead, in insertion order: the person it belongs to (null for the skipped ones). */
  personOf: (number | null)[];
}

interface LeadRow {
  owner_name: string | null;
  owner_phone: string | null;
  owner_email: string | null;
  tier: string;
  person: number | null;
}

const AREA_CODES = ['212', '312', '415', '617', '702', '305', '206', '512'];
const TIERS = ['HOT', 'WARM', 'COOL', 'COLD'];

/** A distinct, valid US number per person (N11 exchanges such as 411 are service codes, never subscribers). */
function phoneOf(person: number): { formats: string[] } {
  const area = AREA_CODES[person % AREA_CODES.length]!;
  const rest = Math.floor(person / AREA_CODES.length);
  const exchanges = Array.from({ length: 700 }, (_, i) => 201 + i).filter((e) => e % 100 !== 11);
  const exchange = String(exchanges[rest % exchanges.length]);
  const line = String(1000 + Math.floor(rest / exchanges.length));
  return {
    formats: [`(${area}) ${exchange}-${line}`, `${area}.${exchange}.${line}`, `+1 ${area} ${exchange} ${line}`, `1-${area}-${exchange}-${line}`],
  };
}

function emailOf(person: number, variant: number): string {
  const local = `owner.${person}`;
  const address = `${local}@example-homes.com`;
  return variant % 3 === 0 ? address : variant % 3 === 1 ? address.toUpperCase() : ` Owner.${person}@Example-Homes.com`;
}

export function syntheticLeadRows(count: number, personOffset = 0, maxLeadsPerPerson = 3): { rows: LeadRow[]; people: number } {
  const rows: LeadRow[] = [];
  let person = personOffset;
  while (rows.length < count) {
    const leadsOfPerson = 1 + (person % maxLeadsPerPerson);
    const keyIsEmail = person % 2 === 0;
    const phone = phoneOf(person);
    for (let i = 0; i < leadsOfPerson && rows.length < count; i += 1) {
      if ((rows.length + 1) % 25 === 0) {
        rows.push({ owner_name: `Nobody ${rows.length}`, owner_phone: null, owner_email: null, tier: 'COLD', person: null });
        continue;
      }
      const withOther = (person + i) % 2 === 0;
      rows.push({
        owner_name: `Owner ${person}`,
        owner_email: keyIsEmail || withOther ? emailOf(person, i) : null,
        owner_phone: !keyIsEmail || withOther ? phone.formats[(person + i) % phone.formats.length]! : null,
        tier: TIERS[(person + i) % TIERS.length]!,
        person,
      });
    }
    person += 1;
  }
  const people = new Set(rows.map((row) => row.person).filter((p) => p !== null)).size;
  return { rows, people };
}

/** A lead to insert: who owns it and how to reach them (tier defaults to WARM). */
export interface LeadInput {
  owner_name: string | null;
  owner_phone: string | null;
  owner_email: string | null;
  tier?: string;
}

/** Inserts a county, one property per lead and the leads (all pending); returns their ids in order. */
export async function insertLeads(db: Database, rows: readonly LeadInput[], label = 'leads'): Promise<number[]> {
  const countyId = await insertBareCounty(db, 'Test County', `TEST-${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const addresses = rows.map((_, i) => `${i} ${label} St`);
  const properties = await db.query(
    `INSERT INTO properties (county_id, normalized_address, address, city, state, postal_code)
     SELECT $1, upper(a), a, 'Springfield', 'IL', '62701' FROM unnest($2::text[]) WITH ORDINALITY AS t(a, n) ORDER BY n
     RETURNING id`,
    [countyId, addresses],
  );
  const leads = await db.query(
    `INSERT INTO leads (county_id, property_id, score, tier, owner_name, owner_phone, owner_email, address, city, state, postal_code, hvac_age_years)
     SELECT $1, p, 70, tier, name, phone, email, addr, 'Springfield', 'IL', '62701', 12
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(p, tier, name, phone, email, addr, n)
      ORDER BY n
     RETURNING id`,
    [
      countyId,
      properties.rows.map((row) => row.id),
      rows.map((row) => row.tier ?? 'WARM'),
      rows.map((row) => row.owner_name),
      rows.map((row) => row.owner_phone),
      rows.map((row) => row.owner_email),
      addresses,
    ],
  );
  return leads.rows.map((row) => Number(row.id));
}

/** Inserts `count` synthetic leads (see syntheticLeadRows); returns their ids in order and who owns each. */
export async function insertSyntheticLeads(
  db: Database,
  count: number,
  personOffset = 0,
  maxLeadsPerPerson = 3,
): Promise<SyntheticLeads & { ids: number[] }> {
  const { rows, people } = syntheticLeadRows(count, personOffset, maxLeadsPerPerson);
  return {
    ids: await insertLeads(db, rows, `synthetic-${personOffset}`),
    count,
    people,
    skipped: rows.filter((row) => row.person === null).length,
    personOf: rows.map((row) => row.person),
  };
}
