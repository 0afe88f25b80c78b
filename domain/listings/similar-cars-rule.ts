/**
 * Prospector's first pricing rule (the original system's, as specified): similar cars by a weighted
 * similarity, a 2-SD outlier cut on raw prices, a weighted linear regression on year and mileage,
 * the lower 95 % bound as the value. Replaced by `valuation.ts` (issue 14); kept as the reference
 * `npm run bench pricing` measures the new valuation against in the same run.
 */
import { median } from 'simple-statistics';
import { profitMargin, rateDeal, type DealRating } from './deal-rating';
import { predictMean, studentT95, weightedLeastSquares, type WeightedFit } from './regression';
import { type PricedCar, similarity, specMatchScore, specTokens } from './similarity';

/** Comparable cars are of the same model, within this many years of the car … */
export const YEAR_WINDOW = 2;
/** … and at least this similar (0.4·year + 0.4·mileage + 0.2·spec). */
export const MIN_SIMILARITY = 0.6;
/** Fewer similar cars than this (after outliers are dropped) give no rating. */
export const MIN_SAMPLE = 5;
/** Prices further than this many standard deviations from the sample mean are dropped. */
export const OUTLIER_SD = 2;
/** The sample size at which confidence stops growing with more cars. */
export const FULL_CONFIDENCE_SAMPLE = 20;

export interface SampleSummary {
  size: number;
  outliersDropped: number;
  minPrice: number;
  maxPrice: number;
  medianPrice: number;
  meanSimilarity: number;
  yearRange: [number, number];
  mileageRange: [number, number];
  /** Fitted price = intercept + perYear·(year − car's year) + perMile·(mileage − car's mileage); absent terms are null. */
  model: { intercept: number; perYear: number | null; perMile: number | null };
  fittedValue: number;
}

export type Valuation =
  | { status: 'insufficient'; sampleSize: number }
  | {
      status: 'rated';
      estimatedValue: number;
      margin: number;
      rating: DealRating;
      sampleSize: number;
      confidence: number;
      sample: SampleSummary;
    };

interface Candidate {
  car: PricedCar;
  weight: number;
}

/**
 * Estimates one car's market value from the other cars of its model: similar cars (same model,
 * within ±2 years, similarity ≥ 0.6) with prices beyond 2 SD dropped; at least 5 or no rating;
 * a similarity-weighted regression of price on year and mileage, centred on the car; the lower
 * one-sided 95 % confidence bound of the fitted price is the conservative estimated value.
 */
export function valueCar(target: PricedCar, others: readonly PricedCar[], tokens = tokenCache()): Valuation {
  const targetTokens = tokens(target);
  const similar: Candidate[] = [];
  for (const car of others) {
    if (car.id === target.id || Math.abs(car.year - target.year) > YEAR_WINDOW) continue;
    const weight = similarity(target, car, specMatchScore(targetTokens, tokens(car)));
    if (weight >= MIN_SIMILARITY) similar.push({ car, weight });
  }
  const kept = dropOutliers(similar);
  if (kept.length < MIN_SAMPLE) return { status: 'insufficient', sampleSize: kept.length };

  const fit = fitCentred(target, kept);
  if (!fit) return { status: 'insufficient', sampleSize: kept.length };
  const { mean, standardError } = predictMean(fit.fit, [1, ...fit.terms.map(() => 0)]);
  const lowerBound = mean - studentT95(fit.fit.degreesOfFreedom) * standardError;
  const estimatedValue = Math.max(0, Math.round(lowerBound));
  const margin = profitMargin(estimatedValue, target.price);
  const halfWidth = mean > 0 ? (mean - lowerBound) / mean : 1;
  const confidence = Math.min(1, kept.length / FULL_CONFIDENCE_SAMPLE) * Math.max(0, 1 - halfWidth);

  const prices = kept.map((c) => c.car.price).sort((a, b) => a - b);
  const coefficient = (term: 'year' | 'mileage') => {
    const index = fit.terms.indexOf(term);
    if (index < 0) return null;
    // Mileage enters the fit per 10,000 miles (better conditioned); it is reported per mile.
    const value = fit.fit.coefficients[index + 1]! / (term === 'mileage' ? 10_000 : 1);
    return Math.round(value * 10_000) / 10_000;
  };
  return {
    status: 'rated',
    estimatedValue,
    margin,
    rating: rateDeal(margin),
    sampleSize: kept.length,
    confidence: Math.round(confidence * 1000) / 1000,
    sample: {
      size: kept.length,
      outliersDropped: similar.length - kept.length,
      minPrice: prices[0]!,
      maxPrice: prices[prices.length - 1]!,
      medianPrice: median(prices),
      meanSimilarity: Math.round((kept.reduce((s, c) => s + c.weight, 0) / kept.length) * 1000) / 1000,
      yearRange: [Math.min(...kept.map((c) => c.car.year)), Math.max(...kept.map((c) => c.car.year))],
      mileageRange: [Math.min(...kept.map((c) => c.car.mileage)), Math.max(...kept.map((c) => c.car.mileage))],
      model: { intercept: Math.round(fit.fit.coefficients[0]!), perYear: coefficient('year'), perMile: coefficient('mileage') },
      fittedValue: Math.round(mean),
    },
  };
}

/** Values every car of one model against the others. */
export function valueModel(cars: readonly PricedCar[]): Map<string, Valuation> {
  const tokens = tokenCache();
  return new Map(cars.map((car) => [car.id, valueCar(car, cars, tokens)]));
}

function tokenCache() {
  const cache = new Map<string, Set<string>>();
  return (car: PricedCar) => {
    let tokens = cache.get(car.id);
    if (!tokens) cache.set(car.id, (tokens = specTokens(car.spec)));
    return tokens;
  };
}

function dropOutliers(candidates: Candidate[]): Candidate[] {
  if (candidates.length < 3) return candidates;
  const prices = candidates.map((c) => c.car.price);
  const mean = prices.reduce((s, p) => s + p, 0) / prices.length;
  const sd = Math.sqrt(prices.reduce((s, p) => s + (p - mean) ** 2, 0) / (prices.length - 1));
  if (sd === 0) return candidates;
  return candidates.filter((c) => Math.abs(c.car.price - mean) <= OUTLIER_SD * sd);
}

/**
 * Fits price on year and mileage centred on the target car, so the intercept is the fitted price
 * at the car itself. A term with no spread in the sample (e.g. every car from one year) is left
 * out rather than making the system singular.
 */
function fitCentred(target: PricedCar, kept: Candidate[]): { fit: WeightedFit; terms: Array<'year' | 'mileage'> } | null {
  const attempts: Array<Array<'year' | 'mileage'>> = [['year', 'mileage'], ['mileage'], ['year'], []];
  for (const terms of attempts) {
    const rows = kept.map(({ car }) => [
      1,
      ...terms.map((term) => (term === 'year' ? car.year - target.year : (car.mileage - target.mileage) / 10_000)),
    ]);
    const fit = weightedLeastSquares(
      rows,
      kept.map((c) => c.car.price),
      kept.map((c) => c.weight),
    );
    if (fit) return { fit, terms };
  }
  return null;
}
