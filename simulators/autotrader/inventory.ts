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
  /** What the car is worth in the simulated market (before the under-pricing, if any). */
  fairPrice: number;
  underpriced: boolean;
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
  /** Share of cars priced 18–30 % under their fair price. */
  underpricedShare?: number;
}

const SIZE_RANGE: Record<VolumeCategory | 'UNKNOWN', [number, number]> = {
  LOW: [40, 160],
  MEDIUM: [80, 320],
  HIGH: [200, 900],
  MASSIVE: [600, 2_800],
  UNKNOWN: [0, 0],
};
const TOWNS = ['Croydon', 'Bromley', 'Watford', 'Slough', 'Harrow', 'Romford', 'Dartford', 'Kingston', 'Enfield', 'Ilford', 'Sutton', 'Epsom'];
const TRIMS = ['SE', 'Sport', 'Titanium', 'Style', 'GT Line', 'Zetec', 'Active', 'Design', 'Premium', 'S'];
const ENGINES = ['1.0', '1.2', '1.4', '1.5', '1.6', '2.0'];
const GRABBERS = ['FULL SERVICE HISTORY', 'ONE OWNER', 'LOW MILEAGE', 'PART EXCHANGE WELCOME', '', 'NEW MOT', ''];
/** The UK plate code of a registration year (March registrations). */
const plateOf = (year: number) => String(year % 100).padStart(2, '0');

/** Deterministic pseudo-random numbers seeded from a string (its FNV-1a hash). */
export function seededRandom(seed: string): () => number {
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619);
  return seededUniform(hash);
}

/**
 * The simulated market for one make and model: the same cars every time for the same inputs.
 * Prices follow age and mileage (about 14 % a year, and 5 % per 10,000 miles, off the model's new
 * price, a trim premium and ±6 % noise); a known share is priced 18–30 % under its fair price.
 */
export function generateInventory(make: string, model: string, options: InventoryOptions = {}): SimulatedCar[] {
  const random = seededRandom(`${make.toLowerCase()}|${model.toLowerCase()}`);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const fleet = findFleetModel(make, model);
  const [min, max] = SIZE_RANGE[fleet?.category ?? 'UNKNOWN'];
  const size = options.size ?? Math.round(min + random() * (max - min));
  const underpricedShare = options.underpricedShare ?? 0.08;
  const newPrice = 14_000 + Math.round(random() * 40) * 1_000;
  const trims = TRIMS.slice().sort(() => random() - 0.5).slice(0, 4);
  const cars: SimulatedCar[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < size; i++) {
    const year = 2016 + Math.floor(random() * 10);
    const age = 2026 - year;
    const mileage = Math.max(500, Math.round((age + 0.3) * (5_000 + random() * 7_000) / 10) * 10);
    const trimIndex = Math.floor(random() * trims.length);
    const subtitle = `${pick(ENGINES)} ${trims[trimIndex]} ${random() < 0.8 ? 5 : 3}dr`;
    const fair = Math.max(2_000, newPrice * (1 + trimIndex * 0.03) * 0.86 ** age * Math.max(0.3, 1 - mileage / 200_000));
    const noisy = fair * (0.94 + random() * 0.12);
    const underpriced = random() < underpricedShare;
    const price = Math.round((underpriced ? fair * (0.7 + random() * 0.12) : noisy) / 5) * 5;
    const sellerType = random() < 0.2 ? 'private' : 'trade';
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
      subtitle,
      year,
      plate: plateOf(year),
      mileage,
      price,
      fairPrice: Math.round(fair),
      underpriced,
      fuelType: random() < 0.6 ? 'Petrol' : random() < 0.6 ? 'Diesel' : 'Hybrid',
      transmission: random() < 0.6 ? 'Manual' : 'Automatic',
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
