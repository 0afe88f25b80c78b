import { addMonths } from '../registrations/dates';

/**
 * Lead score 0–100 for a property, from how old its HVAC system is against a typical equipment life,
 * what the property is worth and, when known, how old the building is. See docs/permits.md.
 */
export type LeadTier = 'HOT' | 'WARM' | 'COOL' | 'COLD';

export interface ScoreInputs {
  /** Years since the latest HVAC permit (rounded, as displayed); null when the property has none. */
  hvacAgeYears: number | null;
  /** Land plus improvement value from the parcel; null when unknown. */
  propertyValue: number | null;
  yearBuilt: number | null;
  /** The year "now" is, for the building's age. */
  currentYear: number;
}

export const TYPICAL_HVAC_LIFE_YEARS = 15;
/** An HVAC system younger than this is not worth a call: the property is no lead. */
export const MIN_LEAD_HVAC_AGE_YEARS = 5;

const AGE_POINTS = 70;
const VALUE_POINTS = 20;
const BUILDING_POINTS = 10;
const VALUE_FLOOR = 100_000;
const VALUE_CEILING = 500_000;
const OLD_BUILDING_YEARS = 30;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

export function leadScore(inputs: ScoreInputs): number {
  // Age: 0 at install, 70 points at 4/3 of the typical life (20 years), where replacement is overdue.
  const agePoints =
    inputs.hvacAgeYears === null ? 0 : AGE_POINTS * clamp(inputs.hvacAgeYears / (TYPICAL_HVAC_LIFE_YEARS * (4 / 3)), 0, 1);
  // Value: owners of pricier homes buy higher-end systems; unknown counts as the middle.
  const valuePoints =
    inputs.propertyValue === null
      ? VALUE_POINTS / 2
      : VALUE_POINTS * clamp((inputs.propertyValue - VALUE_FLOOR) / (VALUE_CEILING - VALUE_FLOOR), 0, 1);
  // Building age: older buildings need more than a like-for-like swap; unknown counts as the middle.
  const buildingPoints =
    inputs.yearBuilt === null
      ? BUILDING_POINTS / 2
      : BUILDING_POINTS * clamp((inputs.currentYear - inputs.yearBuilt) / OLD_BUILDING_YEARS, 0, 1);
  return Math.round(clamp(agePoints + valuePoints + buildingPoints, 0, 100));
}

export function leadTier(score: number): LeadTier {
  if (score >= 75) return 'HOT';
  if (score >= 55) return 'WARM';
  if (score >= 35) return 'COOL';
  return 'COLD';
}

/**
 * A property is a lead when its newest HVAC permit is at least 5 years old by the calendar: the
 * permit's date plus 5 years (29 February + 5 years = 28 February) is on or before `asOf`. Not by
 * the rounded age, which would take a permit 4.96 years old.
 */
export function qualifiesAsLead(latestHvacPermitDate: string | null, asOf: string): boolean {
  if (!latestHvacPermitDate) return false;
  return addMonths(latestHvacPermitDate.slice(0, 10), MIN_LEAD_HVAC_AGE_YEARS * 12) <= asOf.slice(0, 10);
}

const MS_PER_YEAR = 365.25 * 24 * 60 * 60 * 1000;

/** Whole days between the permit and `asOf`, in years to one decimal, for display and scoring (not to qualify). */
export function hvacAgeYears(latestHvacPermitDate: string | null, asOf: string): number | null {
  if (!latestHvacPermitDate) return null;
  const elapsed = Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${latestHvacPermitDate.slice(0, 10)}T00:00:00Z`);
  return Math.max(0, Math.round((elapsed / MS_PER_YEAR) * 10) / 10);
}
