import { findFleetModel, type VolumeCategory } from '../../domain/listings/fleet';
import { seededUniform } from '../seeded-random';

/** One car in the simulated market, with the ground truth a test or benchmark checks against. */
export interface SimulatedCar {
  advertId: string;
  make: string;
  model: string;
  subtitle: string;
  year: number;
  plate: string;
  mileage: number;
  price: number;
  /** What the car is worth in the simulated market (see `generateInventory`), before the under-pricing, if any. */
  fairPrice: number;
  underpriced: boolean;
  bodyType: string;
  fuelType: 'Petrol' | 'Diesel' | 'Hybrid';
  transmission: 'Manual' | 'Automatic';
  sellerType: 'private' | 'trade';
  dealerRating: number | null;
  town: string;
  distanceMiles: number;
  priceIndicator: 'great' | 'good' | 'fair' | 'high' | null;
  attentionGrabber: string;
}

export interface InventoryOptions {
  /** Cars per make and model; default depends on the fleet's volume category. */
  size?: number;
  /** Share of cars priced 15–30 % under their fair value (10 % by default). */
  underpricedShare?: number;
  /** Another market for the same models (benchmarks run several); the default market has none. */
  seed?: string;
}

const SIZE_RANGE: Record<VolumeCategory | 'UNKNOWN', [number, number]> = {
  LOW: [40, 160],
  MEDIUM: [80, 320],
  HIGH: [200, 900],
  MASSIVE: [600, 2_800],
  UNKNOWN: [0, 0],
};
const TOWNS = ['Croydon', 'Bromley', 'Watford', 'Slough', 'Harrow', 'Romford', 'Dartford', 'Kingston', 'Enfield', 'Ilford', 'Sutton', 'Epsom'];
const TRIMS = ['SE', 'Sport', 'Titanium', 'Style', 'GT Line', 'Zetec', 'Active', 'Design', 'Premium', 'S', 'ST-Line X', 'Vignale'];
const ENGINE_FAMILIES = ['TSI', 'EcoBoost', 'T-GDi', 'TCe', 'PureTech', 'i-VTEC', 'SKYACTIV-G', ''];
const DISPLACEMENTS = ['1.0', '1.2', '1.4', '1.5', '1.6', '2.0'];
const BODIES = ['Hatchback', 'SUV', 'Saloon', 'Estate', 'Coupe'];
/**
 * What a make's derivative names call an estate ("2.0 TDI S line Avant 5dr", "320d M Sport Touring 5dr",
 * "1.4T SRi Sports Tourer 5dr", "1.8 Design Touring Sports 5dr", "1.4 T-GDi 3 Sportswagon 5dr",
 * "1.6 CRDi SE Tourer 5dr", "1.2 PureTech Allure SW 5dr"); other makes say "Estate".
 */
const ESTATE_NAMES: Readonly<Record<string, string>> = {
  Audi: 'Avant',
  BMW: 'Touring',
  Vauxhall: 'Sports Tourer',
  Toyota: 'Touring Sports',
  Kia: 'Sportswagon',
  Hyundai: 'Tourer',
  Peugeot: 'SW',
};
const GRABBERS = ['FULL SERVICE HISTORY', 'ONE OWNER', 'LOW MILEAGE', 'PART EXCHANGE WELCOME', '', 'NEW MOT', ''];
/** The date the simulated market's fair values are for. */
export const SIMULATED_MARKET_DATE = new Date(Date.UTC(2026, 11, 1));
const YEAR_MS = 365.25 * 24 * 3600 * 1000;
/** Asking prices of cars that are not bargains scatter around fair value with this log-normal spread (condition, history, seller's optimism). */
const PRICE_SPREAD = 0.035;

/** Deterministic pseudo-random numbers seeded from a string (its FNV-1a hash). */
export function seededRandom(seed: string): () => number {
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619);
  return seededUniform(hash);
}

/** One model's pricing in the simulated market, drawn once per make and model (and seed). */
interface ModelPricing {
  newPrice: number;
  /** Share lost in the first year, then each later year. */
  firstYearLoss: number;
  yearlyLoss: number;
  /** Share of value lost per 10,000 miles beyond what the car's age leads one to expect. */
  lossPerTenThousandMiles: number;
  trims: Array<{ name: string; premium: number }>;
  engines: Array<{ label: string; premium: number }>;
  bodies: Array<{ name: string; premium: number }>;
}

function drawModelPricing(random: () => number): ModelPricing {
  const between = (low: number, high: number) => low + random() * (high - low);
  const family = ENGINE_FAMILIES[Math.floor(random() * ENGINE_FAMILIES.length)]!;
  const displacements = DISPLACEMENTS.slice().sort(() => random() - 0.5).slice(0, 2).sort();
  const engines = displacements.flatMap((litres, d) => {
    const power = Math.round((70 + Number(litres) * 55) / 5) * 5;
    const versions = [power, power + 30].slice(0, d === 0 ? 2 : 1);
    return versions.map((ps) => ({ label: [litres, family, String(ps)].filter(Boolean).join(' '), premium: (ps / power) ** 0.45 * (1 + 0.04 * d) }));
  });
  let premium = 1;
  const trims = TRIMS.slice()
    .sort(() => random() - 0.5)
    .slice(0, 4)
    .map((name, i) => ({ name, premium: i === 0 ? 1 : (premium *= between(1.04, 1.1)) }));
  const primary = BODIES[Math.floor(random() * 3)]!;
  const bodies = random() < 0.35 ? [{ name: primary, premium: 1 }, { name: 'Estate', premium: between(1.03, 1.07) }] : [{ name: primary, premium: 1 }];
  return {
    newPrice: 14_000 + Math.round(random() * 40) * 1_000,
    firstYearLoss: between(0.15, 0.25),
    yearlyLoss: between(0.09, 0.15),
    lossPerTenThousandMiles: between(0.025, 0.045),
    trims,
    engines,
    bodies,
  };
}

/** A registration date drawn over March 2016 – August 2026, its card year and its plate ("19" March–August 2019, "69" September 2019–February 2020). */
function drawRegistration(random: () => number): { year: number; plate: string; plateStart: Date } {
  const month = Math.floor(random() * (10 * 12 + 6)); // months after March 2016
  const registered = new Date(Date.UTC(2016, 2 + month, 1));
  const year = registered.getUTCFullYear();
  const inMarchHalf = registered.getUTCMonth() >= 2 && registered.getUTCMonth() <= 7;
  const plateYear = registered.getUTCMonth() < 2 ? year - 1 : year;
  const plate = String((plateYear % 100) + (inMarchHalf ? 0 : 50)).padStart(2, '0');
  return { year, plate, plateStart: new Date(Date.UTC(plateYear, inMarchHalf ? 2 : 8, 1)) };
}

/**
 * How the subtitle names a body other than the model's usual one. Real derivative names name it
 * after the trim and leave the usual body unnamed: F1 (../shared/reference/autotrader.md A2) has
 * "3.6 997 Carrera Cabriolet 2dr" and "3.8 997 Carrera S Cabriolet PDK 2dr" beside plain
 * "3.8 997 Carrera S 2dr" coupés.
 */
function bodyName(make: string, body: string): string {
  return body === 'Estate' ? (ESTATE_NAMES[make] ?? 'Estate') : body;
}

/** Standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * The simulated market for one make and model: the same cars every time for the same inputs.
 *
 * Fair value (what the market pays for a car of these attributes on SIMULATED_MARKET_DATE) =
 * the model's new price × trim premium (each trim 4–10 % over the one below) × engine premium
 * (power^0.45, the larger displacement 4 % more) × body (an estate 3–7 % more) × fuel (diesel +4 %,
 * hybrid +9 %) × gearbox (automatic +6 %) × doors (3dr −3 %) × seller (private −6 %) × age
 * (the model's first-year loss 15–25 %, then 9–15 % a year, counted from the start of the plate's
 * half-year: buyers price by plate) × mileage (linear, 2.5–4.5 % per 10,000 miles beyond 8,000 a
 * year, floored at 40 %). The card shows every one of those attributes (body, fuel and gearbox in
 * the older layout's key specs; a body other than the model's usual one also in the subtitle, as
 * real derivative names do, see `bodyName`). Asking prices scatter log-normally around fair value (3.5 %);
 * a share (10 %) is priced 15–30 % under it and flagged `underpriced`.
 */
export function generateInventory(make: string, model: string, options: InventoryOptions = {}): SimulatedCar[] {
  const random = seededRandom(`${make.toLowerCase()}|${model.toLowerCase()}${options.seed ? `|${options.seed}` : ''}`);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const fleet = findFleetModel(make, model);
  const [min, max] = SIZE_RANGE[fleet?.category ?? 'UNKNOWN'];
  const size = options.size ?? Math.round(min + random() * (max - min));
  const underpricedShare = options.underpricedShare ?? 0.1;
  const pricing = drawModelPricing(random);
  const cars: SimulatedCar[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < size; i++) {
    const { year, plate, plateStart } = drawRegistration(random);
    const age = Math.max(0, (SIMULATED_MARKET_DATE.getTime() - plateStart.getTime()) / YEAR_MS);
    const mileage = Math.max(500, Math.round(((age + 0.3) * (5_000 + random() * 7_000)) / 10) * 10);
    const trim = pick(pricing.trims);
    const engine = pick(pricing.engines);
    const body = pick(pricing.bodies);
    const doors = random() < 0.8 ? 5 : 3;
    const fuelType: SimulatedCar['fuelType'] = random() < 0.6 ? 'Petrol' : random() < 0.6 ? 'Diesel' : 'Hybrid';
    const transmission: SimulatedCar['transmission'] = random() < 0.6 ? 'Manual' : 'Automatic';
    const sellerType = random() < 0.2 ? 'private' : 'trade';
    const ageFactor = (1 - pricing.firstYearLoss * Math.min(1, age)) * (1 - pricing.yearlyLoss) ** Math.max(0, age - 1);
    const mileageFactor = Math.max(0.4, 1 - (pricing.lossPerTenThousandMiles * (mileage - 8_000 * age)) / 10_000);
    const fair =
      pricing.newPrice *
      trim.premium *
      engine.premium *
      body.premium *
      (fuelType === 'Diesel' ? 1.04 : fuelType === 'Hybrid' ? 1.09 : 1) *
      (transmission === 'Automatic' ? 1.06 : 1) *
      (doors === 3 ? 0.97 : 1) *
      (sellerType === 'private' ? 0.94 : 1) *
      ageFactor *
      mileageFactor;
    const spread = Math.exp(PRICE_SPREAD * normal(random));
    const underpriced = random() < underpricedShare;
    const price = Math.round((underpriced ? fair * (0.7 + random() * 0.15) : fair * spread) / 5) * 5;
    let advertId: string;
    do {
      const day = 1 + Math.floor(random() * 300);
      const date = new Date(Date.UTC(2026, 0, day));
      advertId = `${date.toISOString().slice(0, 10).replace(/-/g, '')}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
    } while (ids.has(advertId));
    ids.add(advertId);
    const ratio = price / fair;
    cars.push({
      advertId,
      make: fleet?.make ?? make,
      model: fleet?.model ?? model,
      subtitle: [engine.label, trim.name, body === pricing.bodies[0] ? null : bodyName(fleet?.make ?? make, body.name), `${doors}dr`].filter(Boolean).join(' '),
      year,
      plate,
      mileage,
      price,
      fairPrice: Math.round(fair),
      underpriced,
      bodyType: body.name,
      fuelType,
      transmission,
      sellerType,
      dealerRating: sellerType === 'trade' ? Math.round((3.5 + random() * 1.5) * 10) / 10 : null,
      town: pick(TOWNS),
      distanceMiles: 1 + Math.floor(random() * 25),
      priceIndicator: ratio < 0.9 ? 'great' : ratio < 0.97 ? 'good' : ratio < 1.03 ? 'fair' : ratio > 1.1 ? 'high' : null,
      attentionGrabber: pick(GRABBERS),
    });
  }
  return cars;
}

export interface SearchFilters {
  fuelType?: string | null;
  transmission?: string | null;
  yearFrom?: number | null;
}

export function matchesFilters(car: SimulatedCar, filters: SearchFilters): boolean {
  if (filters.fuelType && car.fuelType.toLowerCase() !== filters.fuelType.toLowerCase()) return false;
  if (filters.transmission && car.transmission.toLowerCase() !== filters.transmission.toLowerCase()) return false;
  if (filters.yearFrom && car.year < filters.yearFrom) return false;
  return true;
}
