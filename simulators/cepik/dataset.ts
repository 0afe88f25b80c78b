import { createHash } from 'node:crypto';
import { addDays, addMonths, type IsoDate } from '../../domain/registrations/dates';
import { VOIVODESHIPS } from '../../domain/registrations/voivodeships';

/**
 * Deterministic registrations: for each voivodeship, brand and calendar month a fixed number of
 * vehicles, spread evenly over the month's days, with ids derived from a hash. The same inputs give
 * the same records in every run, so tests can compare pipeline counts with `countRegistrations`.
 */
export interface DatasetOptions {
  /** Registrations per brand per month in a voivodeship of average size. */
  monthlyVolumes: Record<string, number>;
  /** Vehicles per month whose brand is not in the dictionary (`marka: null`): never matched by `filter[marka]`. */
  monthlyUnbrandedVolume: number;
  /** Scale of each voivodeship against the average (default: by its share of registered vehicles). */
  regionScale: Record<string, number>;
}

// Vehicles per voivodeship in the `/slowniki/wojewodztwa` dictionary (liczba-wystapien), for realistic proportions.
const REGISTERED_VEHICLES: Record<string, number> = {
  '02': 2862108, '04': 2168556, '06': 2500611, '08': 1142386, '10': 2808142, '12': 3419909, '14': 6670288, '16': 1112349,
  '18': 2411398, '20': 1311444, '22': 2307688, '24': 4389714, '26': 1459582, '28': 1449861, '30': 4522246, '32': 1634016,
};
const AVERAGE = Object.values(REGISTERED_VEHICLES).reduce((a, b) => a + b, 0) / 16;

export const DEFAULT_DATASET: DatasetOptions = {
  // Śląskie (scale ≈ 1.66) then has about 370 premium registrations per two months: a MEDIUM opportunity.
  monthlyVolumes: { TESLA: 4, BMW: 40, 'MERCEDES-BENZ': 34, AUDI: 24, VOLVO: 9, SKODA: 120, TOYOTA: 110 },
  monthlyUnbrandedVolume: 3,
  regionScale: Object.fromEntries(VOIVODESHIPS.map((v) => [v.code, (REGISTERED_VEHICLES[v.code] ?? AVERAGE) / AVERAGE])),
};

const MODELS: Record<string, string[]> = {
  TESLA: ['MODEL 3', 'MODEL Y', 'MODEL S'],
  BMW: ['X3', 'SERIA 3', 'X5', 'SERIA 5'],
  'MERCEDES-BENZ': ['GLC', 'KLASA C', 'KLASA E', 'GLE'],
  AUDI: ['A4', 'Q5', 'A6', 'Q3'],
  VOLVO: ['XC60', 'XC40', 'XC90'],
  SKODA: ['OCTAVIA', 'SUPERB', 'KODIAQ'],
  TOYOTA: ['COROLLA', 'RAV4', 'YARIS'],
};
const FUELS = ['BENZYNA', 'OLEJ NAPĘDOWY', 'HYBRYDA'];

export interface SimulatedVehicle {
  id: string;
  attributes: Record<string, string | number | null>;
}

function vehicleId(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  // 16 digits, like the real technical ids.
  return (1_000_000_000_000_000n + (digest.readBigUInt64BE(0) % 9_000_000_000_000_000n)).toString();
}

function monthStarts(from: IsoDate, to: IsoDate): IsoDate[] {
  const months: IsoDate[] = [];
  for (let month = `${from.slice(0, 7)}-01`; month <= to; month = addMonths(month, 1)) months.push(month);
  return months;
}

function monthVehicles(region: string, brand: string | null, monthStart: IsoDate, perMonth: number): SimulatedVehicle[] {
  const days = Number(addDays(addMonths(monthStart, 1), -1).slice(8, 10));
  const vehicles: SimulatedVehicle[] = [];
  for (let i = 0; i < perMonth; i += 1) {
    const key = `${region}|${brand ?? '(null)'}|${monthStart}|${i}`;
    const id = vehicleId(key);
    const date = addDays(monthStart, Math.floor((i * days) / perMonth));
    const models = brand ? (MODELS[brand] ?? ['---']) : ['FORMENTOR'];
    const electric = brand === 'TESLA';
    const productionYear = Number(date.slice(0, 4)) - (i % 5 === 0 ? 1 : 0);
    vehicles.push({
      id,
      attributes: {
        marka: brand,
        'kategoria-pojazdu': 'M1',
        typ: '---',
        model: models[i % models.length]!,
        wariant: '---',
        'rodzaj-pojazdu': 'SAMOCHÓD OSOBOWY',
        'pochodzenie-pojazdu': i % 4 === 0 ? 'UŻYW. IMPORT INDYW' : 'NOWY ZAKUPIONY W KRAJU',
        'rok-produkcji': String(productionYear),
        'data-pierwszej-rejestracji-w-kraju': date,
        'pojemnosc-skokowa-silnika': electric ? null : 1500 + (i % 8) * 125,
        'masa-wlasna': 1400 + (i % 10) * 60,
        'rodzaj-paliwa': electric ? 'ENERGIA ELEKTRYCZNA' : FUELS[i % FUELS.length]!,
        'wojewodztwo-kod': region,
      },
    });
  }
  return vehicles;
}

function perMonthVolume(dataset: DatasetOptions, region: string, brand: string | null): number {
  const base = brand === null ? dataset.monthlyUnbrandedVolume : (dataset.monthlyVolumes[brand] ?? 0);
  return Math.round(base * (dataset.regionScale[region] ?? 0));
}

/** The registrations a query selects, sorted by first-registration date then id. */
export function selectRegistrations(
  dataset: DatasetOptions,
  query: { region: string; from: IsoDate; to: IsoDate; brand?: string },
): SimulatedVehicle[] {
  if (!(query.region in dataset.regionScale)) return [];
  const brands: Array<string | null> = query.brand !== undefined ? [query.brand] : [...Object.keys(dataset.monthlyVolumes), null];
  const selected: SimulatedVehicle[] = [];
  for (const month of monthStarts(query.from, query.to)) {
    for (const brand of brands) {
      for (const vehicle of monthVehicles(query.region, brand, month, perMonthVolume(dataset, query.region, brand))) {
        const date = vehicle.attributes['data-pierwszej-rejestracji-w-kraju'] as string;
        if (date >= query.from && date <= query.to) selected.push(vehicle);
      }
    }
  }
  return selected.sort((a, b) => {
    const byDate = (a.attributes['data-pierwszej-rejestracji-w-kraju'] as string).localeCompare(b.attributes['data-pierwszej-rejestracji-w-kraju'] as string);
    return byDate !== 0 ? byDate : a.id.localeCompare(b.id);
  });
}
