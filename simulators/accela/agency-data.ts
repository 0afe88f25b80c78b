import { qualifiesAsLead } from '../../domain/permits/scoring';
import { integer, pick, seededRandom } from './random';

/**
 * One agency's permits, generated deterministically from a seed: 30 years of records in the shape the
 * real API sends (ids `<AGENCY>-<yy>CAP-00000-<seq>`, `yyyy-MM-dd HH:mm:ss` agency-local dates, sparse
 * keys), on a pool of properties so many addresses carry several permits, with owners changing over time.
 */
export const MECHANICAL_TYPE = 'Building/Residential/Trade/Mechanical';
const OTHER_TYPES = ['Building/Residential/Trade/Plumbing', 'Building/Residential/Trade/Electrical', 'Building/Residential/Alteration/Roof'];
const STREETS = ['Oak', 'Maple', 'Cedar', 'Palm', 'Magnolia', 'Bayshore', 'Lakeview', 'Sunset', 'Orange Grove', 'Cypress', 'Hillsborough', 'Kennedy', 'Dale Mabry', 'Fowler', 'Bearss', 'Linebaugh'];
const SUFFIXES: Array<[long: string, short: string]> = [['Street', 'ST'], ['Avenue', 'AVE'], ['Road', 'RD'], ['Drive', 'DR'], ['Boulevard', 'BLVD'], ['Lane', 'LN'], ['Court', 'CT']];
const CITIES: Array<[city: string, zip: string]> = [['Tampa', '33602'], ['Brandon', '33511'], ['Plant City', '33563'], ['Riverview', '33569'], ['Thonotosassa', '33592']];
const FIRST = ['Maria', 'James', 'Linda', 'Robert', 'Ana', 'David', 'Susan', 'Carlos', 'Karen', 'Thomas', 'Nancy', 'Luis'];
const LAST = ['Garcia', 'Smith', 'Johnson', 'Nguyen', 'Rodriguez', 'Brown', 'Lopez', 'Miller', 'Davis', 'Martinez', 'Wilson', 'Moore'];
const STATUSES = ['Issued', 'Finaled', 'Closed', 'In Review', 'Expired'];
const HVAC_WORK = ['Replace 3-ton AC condenser and air handler', 'New heat pump system', 'Furnace replacement', 'Ductless mini-split install', 'HVAC change-out like for like'];

export interface SimulatedOwner { fullName: string; phone: string; email: string }

export interface SimulatedProperty {
  key: string;
  houseNumber: number;
  street: string;
  suffix: [string, string];
  city: string;
  postalCode: string;
  parcelNumber: string;
  landValue: number;
  improvedValue: number;
  owners: Array<{ from: string; owner: SimulatedOwner }>;
}

export interface SimulatedRecord {
  id: string;
  openedDate: string;
  updateDate: string;
  typeValue: string;
  status: string | null;
  propertyIndex: number;
  description: string;
  /** Served with a field of the wrong type: a client must keep it as a reject, not drop it. */
  malformed: boolean;
  sequence: number;
}

export interface AgencyDataOptions {
  agency: string;
  seed: string;
  permits: number;
  years: number;
  /** `yyyy-MM-dd`: the last day records are opened on. */
  today: string;
  /** Share of permits that are mechanical (HVAC). */
  mechanicalShare: number;
  malformedRecords: number;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayBefore = (day: string) => isoDay(Date.parse(`${day}T00:00:00Z`) - DAY_MS);

export class AgencyData {
  readonly properties: SimulatedProperty[] = [];
  readonly records: SimulatedRecord[] = [];
  readonly byId = new Map<string, SimulatedRecord>();
  private nextSequence = 0;
  private readonly random: () => number;
  private newestFirst: SimulatedRecord[] | null = null;

  constructor(readonly options: AgencyDataOptions) {
    this.random = seededRandom(`${options.seed}:${options.agency.toUpperCase()}`);
    const propertyCount = Math.max(1, Math.round(options.permits * 0.55));
    for (let index = 0; index < propertyCount; index++) this.properties.push(this.makeProperty(index));
    const currentYear = Number(options.today.slice(0, 4));
    const startMs = Date.parse(`${currentYear - options.years + 1}-01-01T00:00:00Z`);
    const endMs = Date.parse(`${options.today}T00:00:00Z`);
    for (let index = 0; index < options.permits; index++) {
      const opened = isoDay(startMs + Math.floor(this.random() * ((endMs - startMs) / DAY_MS + 1)) * DAY_MS);
      this.add(opened, index < options.malformedRecords);
    }
  }

  /** Adds a record opened on `openedDay` (tests use it to simulate new permits between pulls). */
  add(openedDay: string, malformed = false): SimulatedRecord {
    const random = this.random;
    // Skewed choice: a third of the properties collect most permits, so addresses repeat.
    const propertyIndex = random() < 0.6 ? integer(random, 0, Math.floor(this.properties.length / 3)) : integer(random, 0, this.properties.length - 1);
    const sequence = this.nextSequence++;
    const typeValue = random() < this.options.mechanicalShare ? MECHANICAL_TYPE : pick(random, OTHER_TYPES);
    const updateMs = Math.min(Date.parse(`${openedDay}T00:00:00Z`) + integer(random, 0, 45) * DAY_MS, Date.parse(`${this.options.today}T00:00:00Z`));
    const record: SimulatedRecord = {
      id: `${this.options.agency.toUpperCase()}-${openedDay.slice(2, 4)}CAP-00000-${sequence.toString(36).toUpperCase().padStart(5, '0')}`,
      openedDate: `${openedDay} 00:00:00`,
      updateDate: `${isoDay(updateMs)} ${String(integer(random, 7, 18)).padStart(2, '0')}:${String(integer(random, 0, 59)).padStart(2, '0')}:00`,
      typeValue,
      status: random() < 0.1 ? null : pick(random, STATUSES),
      propertyIndex,
      description: typeValue === MECHANICAL_TYPE ? pick(random, HVAC_WORK) : 'Residential trade permit',
      malformed,
      sequence,
    };
    this.records.push(record);
    this.byId.set(record.id, record);
    this.newestFirst = null;
    return record;
  }

  /**
   * Records opened between two days (inclusive), in the API's order: newest first, same day by ascending
   * sequence. Binary search over a sorted copy keeps big agencies fast.
   */
  openedBetween(from: string | null, to: string | null): SimulatedRecord[] {
    this.newestFirst ??= [...this.records].sort((a, b) =>
      a.openedDate === b.openedDate ? a.sequence - b.sequence : a.openedDate < b.openedDate ? 1 : -1,
    );
    const sorted = this.newestFirst;
    const firstAtOrBefore = (day: string) => {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (sorted[mid]!.openedDate.slice(0, 10) > day) low = mid + 1;
        else high = mid;
      }
      return low;
    };
    const start = to ? firstAtOrBefore(to) : 0;
    const end = from ? firstAtOrBefore(dayBefore(from)) : sorted.length;
    return sorted.slice(start, end);
  }

  private makeProperty(index: number): SimulatedProperty {
    const random = this.random;
    const [city, postalCode] = pick(random, CITIES);
    const ownerCount = random() < 0.3 ? 2 : 1;
    const owners = Array.from({ length: ownerCount }, (_, n) => {
      const first = pick(random, FIRST);
      const last = pick(random, LAST);
      return {
        from: n === 0 ? '0000-01-01' : `${integer(random, 2000, 2022)}-01-01`,
        owner: {
          fullName: `${first} ${last}`,
          phone: `813 555 ${String(integer(random, 0, 9999)).padStart(4, '0')}`,
          email: `${first}.${last}.${index}${n}@example.com`.toLowerCase(),
        },
      };
    });
    const houseNumber = 100 + index;
    const street = pick(random, STREETS);
    const suffix = pick(random, SUFFIXES);
    return {
      key: `${houseNumber} ${street.toUpperCase()} ${suffix[1]} ${city.toUpperCase()} ${postalCode}`,
      houseNumber,
      street,
      suffix,
      city,
      postalCode,
      parcelNumber: `${String(integer(random, 10000, 99999))}-${String(index).padStart(4, '0')}`,
      landValue: integer(random, 20, 200) * 1000,
      improvedValue: integer(random, 60, 600) * 1000,
      owners,
    };
  }

  ownerAt(property: SimulatedProperty, day: string): SimulatedOwner {
    return [...property.owners].reverse().find((entry) => entry.from <= day)!.owner;
  }

  /** What a pull with this type filter must end with: the permits, properties and leads, exactly. */
  groundTruth(typeFilter: string | null, asOf: string) {
    const permits = this.records.filter((r) => !r.malformed && (typeFilter === null || r.typeValue === typeFilter));
    const rejected = this.records.filter((r) => r.malformed && (typeFilter === null || r.typeValue === typeFilter));
    const latestHvac = new Map<string, string>();
    for (const permit of permits) {
      const key = this.properties[permit.propertyIndex]!.key;
      if (!latestHvac.has(key)) latestHvac.set(key, '');
      if (permit.typeValue === MECHANICAL_TYPE && permit.openedDate > latestHvac.get(key)!) latestHvac.set(key, permit.openedDate);
    }
    const leadKeys = [...latestHvac.entries()].filter(([, date]) => qualifiesAsLead(date || null, asOf)).map(([key]) => key);
    return {
      permitIds: permits.map((p) => p.id).sort(),
      rejectedIds: rejected.map((r) => r.id).sort(),
      propertyKeys: [...latestHvac.keys()].sort(),
      leadKeys: leadKeys.sort(),
    };
  }
}
