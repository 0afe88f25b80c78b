import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { profitMargin, rateDeal, raisesAlert } from '../domain/listings/deal-rating';
import { leadScore, leadTier } from '../domain/permits/scoring';
import { seededUniform } from '../simulators/seeded-random';

/**
 * A statewide-size dataset for the API (issue 11): permits, properties, leads, listings, deals and alerts in
 * the real tables, shaped as the pipelines write them (scores and tiers from the domain's scoring, deal
 * ratings from its rating). Rows are built as COPY text and streamed on parallel connections, each table
 * split into slices; primary keys are given, so rows of one slice refer to rows of another without a lookup.
 */

export interface DatasetSize {
  counties: number;
  permits: number;
  properties: number;
  leads: number;
  listings: number;
  deals: number;
}

export const LARGE_DATASET: DatasetSize = {
  counties: 30, permits: 1_000_000, properties: 500_000, leads: 300_000, listings: 200_000, deals: 200_000,
};

/** Streams of each table loaded at once. */
const SLICES = 4;
const ROWS_PER_CHUNK = 2_000;
const AS_OF_YEAR = 2026;

const STREETS = ['Main St', 'Oak Ave', 'Palm Dr', 'Bay Blvd', 'Lake Rd', 'Pine St', 'Cedar Ln', 'Gulf Way', 'Sunset Ave', 'Coral Ct'];
const CITIES = ['Tampa', 'Orlando', 'Miami', 'Naples', 'Sarasota', 'Ocala', 'Gainesville', 'Tallahassee', 'Clearwater', 'Lakeland'];
const SURNAMES = ['Garcia', 'Smith', 'Johnson', 'Rodriguez', 'Williams', 'Brown', 'Martinez', 'Davis', 'Lopez', 'Wilson'];
const TYPE_PATHS = ['Building/Residential/Trade/Mechanical', 'Building/Residential/Trade/Electrical', 'Building/Residential/Alteration/NA'];
const STATUSES = ['Issued', 'Finaled', 'In Review', 'Expired'];
const CARS: ReadonlyArray<readonly [string, string, number]> = [
  ['BMW', '3 Series', 18_000], ['Audi', 'A3', 15_000], ['Ford', 'Focus', 9_000], ['Volkswagen', 'Golf', 11_000], ['Toyota', 'Yaris', 8_000],
  ['Honda', 'Civic', 10_000], ['Mercedes-Benz', 'C Class', 20_000], ['Nissan', 'Qashqai', 12_000], ['Kia', 'Sportage', 14_000], ['Tesla', 'Model 3', 26_000],
];

/** COPY text format: tab-separated, `\N` for NULL, backslash, tab and newline escaped. */
function copyLine(values: readonly unknown[]): string {
  return `${values
    .map((value) => (value === null || value === undefined ? '\\N' : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n')))
    .join('\t')}\n`;
}

/** Property `i` (1-based), the same in every slice that needs it: its county, address and score. */
function property(i: number, size: DatasetSize) {
  const random = seededUniform(i * 7919);
  const hvacYear = 1995 + Math.floor(random() * 31);
  const landValue = 40_000 + Math.floor(random() * 400_000);
  const improvedValue = 80_000 + Math.floor(random() * 900_000);
  const hvacAge = AS_OF_YEAR - hvacYear;
  const score = leadScore({ hvacAgeYears: hvacAge, propertyValue: landValue + improvedValue, yearBuilt: null, currentYear: AS_OF_YEAR });
  const street = `${100 + (i % 9_900)} ${STREETS[i % STREETS.length]}`;
  return {
    countyId: 1 + (i % size.counties),
    normalizedAddress: `${street.toUpperCase()} UNIT ${i}`,
    address: `${street} Unit ${i}`,
    city: CITIES[(i >> 3) % CITIES.length]!,
    postalCode: String(32_000 + (i % 2_000)),
    owner: `${SURNAMES[i % SURNAMES.length]} Household ${i}`,
    phone: `+1813555${String(i % 10_000).padStart(4, '0')}`,
    email: `owner${i}@example.invalid`,
    parcel: `P-${String(i).padStart(9, '0')}`,
    landValue,
    improvedValue,
    hvacDate: `${hvacYear}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    hvacAge,
    score,
  };
}

type RowsOf = (from: number, to: number) => string;

const tables: Record<string, { columns: string; count: (size: DatasetSize) => number; rows: (size: DatasetSize) => RowsOf }> = {
  properties: {
    columns: `id, county_id, normalized_address, address, city, state, postal_code, owner_name, owner_phone, owner_email, parcel_number,
      land_value, improved_value, latest_hvac_permit_date, hvac_age_years, permit_count, lead_score, lead_tier`,
    count: (size) => size.properties,
    rows: (size) => (from, to) => {
      let text = '';
      for (let i = from; i < to; i += 1) {
        const p = property(i, size);
        text += copyLine([i, p.countyId, p.normalizedAddress, p.address, p.city, 'FL', p.postalCode, p.owner, p.phone, p.email, p.parcel,
          p.landValue, p.improvedValue, p.hvacDate, p.hvacAge, Math.ceil(size.permits / size.properties), p.score, leadTier(p.score)]);
      }
      return text;
    },
  },
  permits: {
    columns: `id, county_id, record_id, custom_id, tracking_id, module, type_path, is_hvac, status, opened_date, updated_date, description,
      address, city, state, postal_code, normalized_address, owner_name, parcel_number, land_value, improved_value, enriched, property_id, raw`,
    count: (size) => size.permits,
    rows: (size) => (from, to) => {
      let text = '';
      for (let i = from; i < to; i += 1) {
        const propertyId = 1 + (i % size.properties);
        const p = property(propertyId, size);
        const random = seededUniform(i);
        const isHvac = i % 3 === 0;
        const opened = new Date(Date.UTC(2000, 0, 1) + Math.floor(random() * 26 * 365) * 86_400_000).toISOString().slice(0, 10);
        const recordId = `REC${p.countyId}-${String(i).padStart(8, '0')}`;
        const typePath = isHvac ? TYPE_PATHS[0]! : TYPE_PATHS[1 + (i % 2)]!;
        const raw = JSON.stringify({ id: recordId, type: { value: typePath }, status: { value: STATUSES[i % 4] }, openedDate: `${opened} 00:00:00` });
        text += copyLine([i, p.countyId, recordId, `BLD${String(i).padStart(8, '0')}`, i, 'Building', typePath, isHvac, STATUSES[i % 4],
          `${opened} 00:00:00`, `${opened} 12:00:00`, isHvac ? 'Replace AC condenser and air handler' : 'Residential alteration',
          p.address, p.city, 'FL', p.postalCode, p.normalizedAddress, p.owner, p.parcel, p.landValue, p.improvedValue, true, propertyId, raw]);
      }
      return text;
    },
  },
  leads: {
    columns: `id, county_id, property_id, score, tier, owner_name, owner_phone, owner_email, address, city, state, postal_code, hvac_age_years, sync_status`,
    count: (size) => size.leads,
    rows: (size) => (from, to) => {
      let text = '';
      for (let i = from; i < to; i += 1) {
        const propertyId = 1 + Math.floor(((i - 1) * size.properties) / size.leads);
        const p = property(propertyId, size);
        const status = ['pending', 'synced', 'synced', 'synced', 'failed', 'skipped'][i % 6];
        text += copyLine([i, p.countyId, propertyId, p.score, leadTier(p.score), p.owner, p.phone, p.email, p.address, p.city, 'FL', p.postalCode,
          p.hvacAge, status]);
      }
      return text;
    },
  },
  listings: {
    columns: 'advert_id, make, model, title, subtitle, year, mileage, price, seller_type, location, distance_miles, url',
    count: (size) => size.listings,
    rows: () => (from, to) => {
      let text = '';
      for (let i = from; i < to; i += 1) {
        const [make, model, base] = CARS[i % CARS.length]!;
        const random = seededUniform(i * 31);
        const year = 2012 + Math.floor(random() * 13);
        const price = Math.max(500, Math.round(base * (0.6 + random() * 0.8) + (year - 2018) * 700));
        text += copyLine([advertId(i), make, model, `${make} ${model}`, '1.5 Petrol Manual', year, Math.floor(random() * 120_000), price,
          i % 4 === 0 ? 'private' : 'trade', CITIES[i % CITIES.length], 1 + (i % 200), `https://www.autotrader.co.uk/car-details/${advertId(i)}`]);
      }
      return text;
    },
  },
  deals: {
    columns: 'advert_id, make, model, price, estimated_value, conservative_value, confidence_level, profit_margin, rating, sample_size, confidence, sample_summary',
    count: (size) => Math.min(size.deals, size.listings),
    rows: () => (from, to) => {
      let text = '';
      for (let i = from; i < to; i += 1) {
        const { make, model, price, estimate, conservative, margin } = deal(i);
        text += copyLine([advertId(i), make, model, price, estimate, conservative, 0.95, margin.toFixed(4), rateDeal(margin), 40, 0.8, '{"similar":40}']);
      }
      return text;
    },
  },
  // The deals that raise an alert, as the analysis stores them.
  deal_alerts: {
    columns: 'id, kind, alert_key, advert_id, make, model, price, estimated_value, conservative_value, profit_margin, webhook_status, created_at',
    count: (size) => Math.min(size.deals, size.listings),
    rows: () => (from, to) => {
      let text = '';
      for (let i = from; i < to; i += 1) {
        const { make, model, price, estimate, conservative, margin } = deal(i);
        if (!raisesAlert(margin)) continue;
        const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
        text += copyLine([i, 'deal', `${advertId(i)}:${price}`, advertId(i), make, model, price, estimate, conservative, margin.toFixed(4), 'sent', createdAt]);
      }
      return text;
    },
  },
};

const advertId = (i: number) => String(202_400_000_000 + i);

function deal(i: number) {
  const [make, model, base] = CARS[i % CARS.length]!;
  const random = seededUniform(i * 31);
  const year = 2012 + Math.floor(random() * 13);
  random(); // the mileage, drawn in this order for the listing
  const price = Math.max(500, Math.round(base * (0.6 + random() * 0.8) + (year - 2018) * 700));
  const estimate = Math.round(price * (0.75 + seededUniform(i * 17)() * 0.6));
  // The lower bound a valuation of 40 similar cars gives; margin and rating are taken from it, as the pipeline does.
  const conservative = Math.round(estimate * 0.93);
  return { make, model, price, estimate, conservative, margin: profitMargin(conservative, price) };
}

/** Copies rows [from, to) of a table on its own connection, chunk by chunk, honouring back-pressure. */
async function copySlice(url: string, table: string, columns: string, rowsOf: RowsOf, from: number, to: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    const stream = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
    const finished = once(stream, 'finish');
    for (let start = from; start < to; start += ROWS_PER_CHUNK) {
      if (!stream.write(rowsOf(start, Math.min(to, start + ROWS_PER_CHUNK)))) await once(stream, 'drain');
    }
    stream.end();
    await finished;
  } finally {
    await client.end();
  }
}

async function copyTable(url: string, table: string, size: DatasetSize) {
  const spec = tables[table]!;
  const count = spec.count(size);
  const rowsOf = spec.rows(size);
  const perSlice = Math.ceil(count / SLICES);
  await Promise.all(
    Array.from({ length: SLICES }, (_, slice) => {
      const from = 1 + slice * perSlice;
      return copySlice(url, table, spec.columns, rowsOf, from, Math.min(count + 1, from + perSlice));
    }),
  );
}

const LOADED_TABLES = ['properties', 'listings', 'permits', 'leads', 'deals', 'deal_alerts'];

/**
 * The loaded tables' secondary indexes (those that back no constraint), as their own CREATE INDEX
 * statements: building an index once after the load costs far less than maintaining it row by row.
 */
async function secondaryIndexes(admin: pg.Client): Promise<Array<{ table: string; name: string; definition: string }>> {
  const { rows } = await admin.query<{ table: string; name: string; definition: string }>(
    `SELECT i.tablename AS table, i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [LOADED_TABLES],
  );
  return rows;
}

/** Builds the given indexes, those of different tables side by side. */
async function buildIndexes(url: string, indexes: Array<{ definition: string }>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const { definition } of indexes) await client.query(definition);
  } finally {
    await client.end();
  }
}

/**
 * Empties the data tables of the database at `url` (migrated) and fills them to `size`; returns seconds per
 * step. Tables that refer to others are loaded after them; tables independent of each other at once. The
 * secondary indexes are dropped for the load and built again afterwards, also when the load fails.
 */
export async function seedLargeDataset(url: string, size: DatasetSize): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const timed = async (step: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    timings[step] = (performance.now() - started) / 1000;
  };
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await timed('truncate', () => admin.query('TRUNCATE counties, listings, scrape_runs RESTART IDENTITY CASCADE'));
    await timed('counties', () =>
      admin.query(
        `INSERT INTO counties (id, name, agency_name, app_id, app_secret_encrypted, username, password_encrypted)
         SELECT i, 'County ' || i, 'AGENCY' || i, 'app-' || i, 'not-a-secret', 'user', 'not-a-secret' FROM generate_series(1, $1) AS i`,
        [size.counties],
      ),
    );
    const indexes = await secondaryIndexes(admin);
    await admin.query(`DROP INDEX ${indexes.map(({ name }) => `"${name}"`).join(', ')}`);
    try {
      await timed('properties + listings', () => Promise.all([copyTable(url, 'properties', size), copyTable(url, 'listings', size)]));
      await timed('permits + leads + deals + alerts', () =>
        Promise.all(['permits', 'leads', 'deals', 'deal_alerts'].map((table) => copyTable(url, table, size))),
      );
    } finally {
      await timed('indexes', () =>
        Promise.all(LOADED_TABLES.map((table) => buildIndexes(url, indexes.filter((index) => index.table === table)))),
      );
    }
    await timed('sequences', async () => {
      for (const table of ['counties', 'properties', 'permits', 'leads', 'deal_alerts']) {
        await admin.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 1) FROM ${table}))`);
      }
    });
    await timed('analyze', () => admin.query('VACUUM ANALYZE counties, properties, permits, leads, listings, deals, deal_alerts'));
  } finally {
    await admin.end();
  }
  return timings;
}
