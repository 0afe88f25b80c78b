import { seededUniform } from './seeded-random';

/**
 * The permits behind the Socrata and ArcGIS simulators, with their ground truth. Types and descriptions mix the
 * pitfalls of ../shared/reference/blds.md §6 (ACCESSORY, PVC, commercial mechanical, combined trades, change-outs,
 * cancelled status) so the classifier and filters are exercised; `hvac` is the label a test compares with.
 * Malformed permits (no permit number, a far-future date) are the ones the pipeline must reject.
 */
export interface SimulatedPermit {
  rowId: string;
  objectId: number;
  permitNumber: string | null;
  permitType: string;
  description: string;
  hvac: boolean;
  status: string;
  appliedDate: string;
  issuedDate: string | null;
  completedDate: string | null;
  street: string;
  city: string;
  zip: string;
  contractor: string | null;
  valuation: number | null;
  createdAt: string;
  updatedAt: string;
  /** Why the pipeline must reject it, for malformed permits. */
  malformed: string | null;
}

const WORK: ReadonlyArray<[type: string, description: string, hvac: boolean]> = [
  ['Residential Mechanical', 'A/C CHANGE OUT 3 TON SAME LOCATION', true],
  ['Residential Mechanical', 'Replace heat pump and air handler', true],
  ['Residential Mechanical', 'Furnace replacement', true],
  ['Residential Mechanical', 'Ductless mini split install', true],
  ['Commercial Mechanical', 'Kitchen hood and exhaust', false],
  ['Commercial Mechanical', 'Replace 2 RTUs', true],
  ['Residential Building', 'Replace accessory shed', false],
  ['Residential Building', 'PVC fence 6 ft', false],
  ['Residential Building', 'Reroof shingles', false],
  ['Residential Building', 'Solar PV roof mounted 7 kW', false],
  ['Residential Building', 'New single family residence incl. electrical, mechanical and plumbing', true],
  ['Residential Plumbing', 'Water heater replacement', false],
  ['Residential Electrical', 'Service upgrade to 200A', false],
  ['Residential Building', 'Pool and spa with screen enclosure', false],
  ['Residential Building', 'Kitchen remodel, no mechanical work', false],
];
const STATUSES = ['Issued', 'Finaled', 'Finaled', 'In Review', 'Cancelled'];
const STREETS = ['Oak', 'Palm', 'Bayshore', 'Magnolia', 'Cypress', 'Orange', 'Lakeview', 'Sunset'];
const SUFFIXES = ['Street', 'Avenue', 'Road', 'Drive', 'Lane'];
const CONTRACTORS = ['Cool Air LLC', 'Sunshine Roofing Inc', 'Bay Electric Co', null];

const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

/** `count` permits spread over the years, oldest first, the first `malformed` of every 500 broken on purpose. */
export function simulatedPermits(options: { seed: number; count: number; fromYear: number; toYear: number; malformed: number }): SimulatedPermit[] {
  const random = seededUniform(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const start = Date.UTC(options.fromYear, 0, 1);
  const span = Date.UTC(options.toYear, 11, 31) - start;
  const permits: SimulatedPermit[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const [permitType, description, hvac] = pick(WORK);
    // Evenly spread (sorted by index), with a random day inside each slot: year windows get predictable counts.
    const applied = start + Math.floor(((index + random()) / options.count) * span);
    const issued = random() < 0.9 ? applied + Math.floor(random() * 20) * 86_400_000 : null;
    const status = pick(STATUSES);
    const completed = issued !== null && status === 'Finaled' ? issued + Math.floor(random() * 120) * 86_400_000 : null;
    const updatedAt = new Date(Math.min(Date.now() - 86_400_000, (completed ?? issued ?? applied) + 86_400_000)).toISOString();
    // Issue and completion dates stop at yesterday (no future dates in any zone), but never before the application:
    // a permit applied for today would otherwise read "completed before applied" and be rejected.
    const laterDay = (epochMs: number) => day(Math.max(applied, Math.min(epochMs, Date.now() - 86_400_000)));
    const malformedKind = index % 500 < options.malformed ? (index % 2 === 0 ? 'missing permit number' : 'future date') : null;
    permits.push({
      rowId: `row-${(index + 1).toString(36).padStart(4, '0')}`,
      objectId: index + 1,
      permitNumber: malformedKind === 'missing permit number' ? null : `BP${new Date(applied).getUTCFullYear()}-${String(index + 1).padStart(6, '0')}`,
      permitType,
      description,
      hvac,
      status,
      appliedDate: day(applied),
      issuedDate: malformedKind === 'future date' ? '2105-11-05' : issued === null ? null : laterDay(issued),
      completedDate: completed === null ? null : laterDay(completed),
      street: `${100 + Math.floor(random() * 9800)} ${pick(STREETS)} ${pick(SUFFIXES)}`,
      city: 'Springfield',
      zip: pick(['33601', '33602', '33603']),
      contractor: pick(CONTRACTORS),
      valuation: random() < 0.8 ? Math.round(random() * 40_000_00) / 100 : null,
      createdAt: new Date(applied).toISOString(),
      updatedAt,
      malformed: malformedKind,
    });
  }
  return permits;
}

/**
 * Ground truth for a pull by applied date of `[from, to)` days: the loadable permits, how many are HVAC, how many
 * are rejected. `jurisdictionToday` is today where the county is: a permit applied for after it is future-dated
 * there and rejected (pulls range over UTC days, so between midnight UTC and midnight in Florida a permit of the
 * UTC day is in the range but still tomorrow in the county).
 */
export function groundTruth(permits: readonly SimulatedPermit[], from: string, to: string, jurisdictionToday = '9999-12-31') {
  const inWindow = permits.filter((permit) => permit.appliedDate >= from && permit.appliedDate < to);
  const loadable = inWindow.filter((permit) => permit.malformed === null && permit.appliedDate <= jurisdictionToday);
  return { permitNumbers: loadable.map((permit) => permit.permitNumber!), hvac: loadable.filter((permit) => permit.hvac).length, rejected: inWindow.length - loadable.length };
}
