import { Matrix, pseudoInverse } from 'ml-matrix';
import { medianAbsoluteDeviation, median as sortedMedian } from 'simple-statistics';
import { ageInYears, CATEGORICAL_FEATURES, type CategoricalFeature, categoricalFeatures, type PricedCar } from './car-features';
import { profitMargin, rateDeal, type DealRating } from './deal-rating';
import { studentT95 } from './regression';

/**
 * Fair value of a used car from the other cars of its model on sale: a robust regression of log
 * price on what the card shows, fitted on a comparison pool that is widened only when the car has
 * too few close matches. See docs/listings.md "Pricing" for the rule and why.
 */

/** Comparison pools tried in turn: cars within ±2 years of the car's age, then ±4, then every car of the model. */
export const AGE_WINDOWS_YEARS = [2, 4, Number.POSITIVE_INFINITY] as const;
/** A pool is wide enough with at least this many other cars … */
export const MIN_CLOSE_MATCHES = 60;
/** … of which at least this many share the car's engine and trim. */
export const MIN_VARIANT_MATCHES = 3;
/** A feature level (a trim, an engine, a body…) gets its own term only when this many cars of the pool have it. */
export const MIN_LEVEL_COUNT = 3;
/** Fewer comparable cars than this (after robust weighting), or fewer residual degrees of freedom, give no valuation. */
export const MIN_SAMPLE = 12;
export const MIN_DEGREES_OF_FREEDOM = 5;
/** One-sided confidence level of `conservativeValue`. */
export const CONSERVATIVE_LEVEL = 0.95;
/** Sample size at which confidence stops growing with more cars. */
export const FULL_CONFIDENCE_SAMPLE = 60;
/** A lower bound this far (relative) below the estimate leaves no confidence. */
export const ZERO_CONFIDENCE_HALF_WIDTH = 0.1;
/** Below this confidence the valuation says it is low. */
export const LOW_CONFIDENCE = 0.5;

/** Tukey's bisquare tuning constant (95 % efficiency under normal errors) and Huber's for the start. */
const BISQUARE_C = 4.685;
const HUBER_C = 1.345;
const HUBER_ITERATIONS = 4;
const MAX_ITERATIONS = 40;
const CONVERGED = 1e-7;
/** MAD of normal errors is 0.6745 σ. */
const MAD_TO_SD = 1 / 0.6745;
/** Residual scale floor (0.2 % of price), so identical prices cannot make every other car an outlier. */
const MIN_SCALE = 0.002;
/** A car whose own row carries more than this of its fit (leverage) has no comparable of its kind. */
const MAX_LEVERAGE = 0.9;

export interface ValuationSample {
  /** Cars of the pool that count, the car itself and down-weighted outliers excluded. */
  size: number;
  /** Cars in the pool (the car itself excluded). */
  poolSize: number;
  /** Age window of the pool in years; null when it took every car of the model. */
  ageWindowYears: number | null;
  /** Whether the pool had to be widened past ±2 years. */
  widened: boolean;
  /** Other cars in the pool with the car's engine and trim. */
  variantMatches: number;
  /** Pool cars the robust fit gave no weight (the bargains and mistakes it does not value others by). */
  outliersExcluded: number;
  /** Robust residual spread of log price (≈ relative spread of prices around their fitted values). */
  spread: number;
  minPrice: number;
  maxPrice: number;
  medianPrice: number;
  /** The fit's terms: depreciation a year and per 10,000 miles at the car (relative), categorical terms by name. */
  perYear: number | null;
  perTenThousandMiles: number | null;
  terms: string[];
  /** The car's features the pool had too few cars of to give their own term (valued as the commonest level). */
  unmatchedFeatures: CategoricalFeature[];
}

export type Valuation =
  | { status: 'insufficient'; sampleSize: number; reason: string }
  | {
      status: 'rated';
      /** Point estimate of fair value. */
      estimatedValue: number;
      /** Lower one-sided bound of fair value at `confidenceLevel`. */
      conservativeValue: number;
      confidenceLevel: number;
      /** (conservative value − price) / price: the rule rates by the lower bound. */
      margin: number;
      rating: DealRating;
      sampleSize: number;
      /** 0–1 from sample size, the bound's width and whether every feature of the car had comparables. */
      confidence: number;
      lowConfidence: boolean;
      sample: ValuationSample;
    };

interface Row {
  car: PricedCar;
  age: number;
  features: Record<CategoricalFeature, string | null>;
  variant: string;
}

interface RobustFit {
  pool: Row[];
  design: Float64Array[];
  logPrices: Float64Array;
  weights: Float64Array;
  coefficients: number[];
  /** (XᵀWX)⁻¹ */
  inverse: number[][];
  scale: number;
  degreesOfFreedom: number;
  terms: string[];
  /** For each categorical feature, the levels with their own term. */
  levels: Map<CategoricalFeature, Set<string>>;
  ageCentre: number;
  mileageCentre: number;
}

/** Values every car of one model against the others (a listing with no year or mileage cannot be valued and is not passed). */
export function valueModel(cars: readonly PricedCar[], asOf: Date): Map<string, Valuation> {
  const rows: Row[] = cars.map((car) => {
    const features = categoricalFeatures(car);
    return { car, age: ageInYears(car, asOf), features, variant: `${features.engine}|${features.trim}` };
  });
  const fits = new Map<string, RobustFit | null>();
  const result = new Map<string, Valuation>();
  for (const row of rows) {
    const { pool, window, variantMatches } = comparisonPool(row, rows);
    const key = `${window}|${row.age}`;
    if (!fits.has(key)) fits.set(key, fitRobust(pool, row.age));
    result.set(row.car.id, valueFromFit(row, fits.get(key)!, window, variantMatches));
  }
  return result;
}

/** The narrowest age window with enough close matches (and enough of the car's own engine and trim), else every car. */
function comparisonPool(target: Row, rows: readonly Row[]): { pool: Row[]; window: number; variantMatches: number } {
  for (const window of AGE_WINDOWS_YEARS) {
    const pool = rows.filter((row) => Math.abs(row.age - target.age) <= window);
    const variantMatches = pool.filter((row) => row !== target && row.variant === target.variant).length;
    if ((pool.length - 1 >= MIN_CLOSE_MATCHES && variantMatches >= MIN_VARIANT_MATCHES) || !Number.isFinite(window)) {
      return { pool, window, variantMatches };
    }
  }
  throw new Error('unreachable: the last window takes every car');
}

/**
 * Log price on age, age² (when the pool spans three ages or more), mileage and a term per
 * categorical level common enough in the pool, by iteratively reweighted least squares: Huber
 * weights to start, then Tukey's bisquare, which gives the bargains this valuation hunts (and
 * mistyped prices) no weight at all, so they do not drag their neighbours' values down.
 */
function fitRobust(pool: Row[], ageCentre: number): RobustFit | null {
  const mileageCentre = pool.reduce((sum, row) => sum + row.car.mileage, 0) / pool.length;
  const levels = new Map<CategoricalFeature, Set<string>>();
  const terms: string[] = ['intercept'];
  const distinct = (values: number[]) => new Set(values).size;
  const useAge = distinct(pool.map((r) => r.age)) >= 2;
  const useAgeSquared = distinct(pool.map((r) => r.age)) >= 3;
  const useMileage = distinct(pool.map((r) => r.car.mileage)) >= 2;
  if (useAge) terms.push('age');
  if (useAgeSquared) terms.push('age²');
  if (useMileage) terms.push('mileage');
  for (const feature of CATEGORICAL_FEATURES) {
    const counts = new Map<string, number>();
    for (const row of pool) {
      const level = row.features[feature];
      if (level !== null) counts.set(level, (counts.get(level) ?? 0) + 1);
    }
    const common = [...counts].filter(([, n]) => n >= MIN_LEVEL_COUNT).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    // The commonest level is the baseline; the others (and cars that do not say) are measured against it.
    const own = new Set(common.slice(1).map(([level]) => level));
    levels.set(feature, own);
    for (const level of own) terms.push(`${feature}=${level}`);
  }
  const design = pool.map((row) => {
    const x = new Float64Array(terms.length);
    let k = 0;
    x[k++] = 1;
    const age = row.age - ageCentre;
    if (useAge) x[k++] = age;
    if (useAgeSquared) x[k++] = age * age;
    if (useMileage) x[k++] = (row.car.mileage - mileageCentre) / 10_000;
    for (const feature of CATEGORICAL_FEATURES) {
      const level = row.features[feature];
      for (const own of levels.get(feature)!) x[k++] = level === own ? 1 : 0;
    }
    return x;
  });
  const logPrices = Float64Array.from(pool, (row) => Math.log(row.car.price));
  const p = terms.length;
  if (pool.length - p < MIN_DEGREES_OF_FREEDOM) return null;

  const weights = new Float64Array(pool.length).fill(1);
  let solved = weightedSolve(design, logPrices, weights);
  let scale = MIN_SCALE;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const residuals = design.map((x, i) => logPrices[i]! - dot(solved.coefficients, x));
    scale = Math.max(MIN_SCALE, medianAbsoluteDeviation(residuals) * MAD_TO_SD);
    const huber = iteration < HUBER_ITERATIONS;
    residuals.forEach((r, i) => (weights[i] = huber ? huberWeight(r / scale) : bisquareWeight(r / scale)));
    const next = weightedSolve(design, logPrices, weights);
    const change = Math.max(...next.coefficients.map((b, k) => Math.abs(b - solved.coefficients[k]!)));
    solved = next;
    if (!huber && change < CONVERGED) break;
  }
  const counted = weights.reduce((n, w) => n + (w > 0 ? 1 : 0), 0);
  return {
    pool,
    design,
    logPrices,
    weights,
    coefficients: solved.coefficients,
    inverse: solved.inverse,
    scale,
    degreesOfFreedom: counted - p,
    terms,
    levels,
    ageCentre,
    mileageCentre,
  };
}

/**
 * The car's value from its pool's fit, leaving the car itself out (the leave-one-out identity
 * ŷ₋ᵢ = ŷᵢ − hᵢ·rᵢ/(1 − hᵢ), so one fit serves every car of the pool); the lower bound from the
 * standard error of the fitted mean without the car, σ·√(qᵢ/(1 − hᵢ)), and Student t.
 */
function valueFromFit(target: Row, fit: RobustFit | null, window: number, variantMatches: number): Valuation {
  if (!fit) return { status: 'insufficient', sampleSize: 0, reason: 'too few cars of this model to fit a valuation' };
  const index = fit.pool.indexOf(target);
  const x = fit.design[index]!;
  const weight = fit.weights[index]!;
  const comparables = fit.weights.reduce((n, w, i) => n + (w > 0 && i !== index ? 1 : 0), 0);
  if (comparables < MIN_SAMPLE || fit.degreesOfFreedom - (weight > 0 ? 1 : 0) < MIN_DEGREES_OF_FREEDOM) {
    return { status: 'insufficient', sampleSize: comparables, reason: `${comparables} comparable cars, at least ${MIN_SAMPLE} needed` };
  }
  const quadratic = x.reduce((sum, xa, a) => sum + xa * dot(fit.inverse[a]!, x), 0);
  const leverage = weight * quadratic;
  if (leverage > MAX_LEVERAGE) return { status: 'insufficient', sampleSize: comparables, reason: 'no comparable car shares this combination of features' };
  const fitted = dot(fit.coefficients, x);
  const leftOut = fitted - (leverage * (fit.logPrices[index]! - fitted)) / (1 - leverage);
  const standardError = fit.scale * Math.sqrt(Math.max(0, quadratic / (1 - leverage)));
  const degreesOfFreedom = fit.degreesOfFreedom - (weight > 0 ? 1 : 0);
  const estimatedValue = Math.round(Math.exp(leftOut));
  const conservativeValue = Math.round(Math.exp(leftOut - studentT95(degreesOfFreedom) * standardError));

  const unmatchedFeatures = CATEGORICAL_FEATURES.filter((feature) => {
    const level = target.features[feature];
    if (level === null) return false;
    const baseline = !fit.levels.get(feature)!.has(level);
    // The car's level is the baseline only if it is the commonest one; a rare level merely falls back to it.
    return baseline && fit.pool.filter((row) => row !== target && row.features[feature] === level).length < MIN_LEVEL_COUNT - 1;
  });
  const halfWidth = (estimatedValue - conservativeValue) / Math.max(1, estimatedValue);
  const confidence =
    Math.min(1, comparables / FULL_CONFIDENCE_SAMPLE) *
    Math.max(0, 1 - halfWidth / ZERO_CONFIDENCE_HALF_WIDTH) *
    (unmatchedFeatures.length === 0 ? 1 : 0.5);
  const margin = profitMargin(conservativeValue, target.car.price);
  const prices = fit.pool.filter((row) => row !== target).map((row) => row.car.price).sort((a, b) => a - b);
  const termAt = (name: string) => {
    const k = fit.terms.indexOf(name);
    return k < 0 ? null : fit.coefficients[k]!;
  };
  const perYear = termAt('age');
  return {
    status: 'rated',
    estimatedValue,
    conservativeValue,
    confidenceLevel: CONSERVATIVE_LEVEL,
    margin,
    rating: rateDeal(margin),
    sampleSize: comparables,
    confidence: round(confidence, 3),
    lowConfidence: confidence < LOW_CONFIDENCE,
    sample: {
      size: comparables,
      poolSize: fit.pool.length - 1,
      ageWindowYears: Number.isFinite(window) ? window : null,
      widened: window !== AGE_WINDOWS_YEARS[0],
      variantMatches,
      outliersExcluded: fit.weights.reduce((n, w, i) => n + (w === 0 && i !== index ? 1 : 0), 0),
      spread: round(fit.scale, 4),
      minPrice: prices[0]!,
      maxPrice: prices[prices.length - 1]!,
      medianPrice: sortedMedian(prices),
      // At the car the age² term is zero (ages are centred on it), so the age slope is the car's own depreciation.
      perYear: perYear === null ? null : round(Math.expm1(perYear), 4),
      perTenThousandMiles: termAt('mileage') === null ? null : round(Math.expm1(termAt('mileage')!), 4),
      terms: fit.terms,
      unmatchedFeatures,
    },
  };
}

function weightedSolve(design: Float64Array[], y: Float64Array, weights: Float64Array): { coefficients: number[]; inverse: number[][] } {
  const p = design[0]!.length;
  const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xtwy = new Array<number>(p).fill(0);
  design.forEach((x, i) => {
    const w = weights[i]!;
    if (w === 0) return;
    for (let a = 0; a < p; a++) {
      const wxa = w * x[a]!;
      if (wxa === 0) continue;
      xtwy[a]! += wxa * y[i]!;
      for (let b = a; b < p; b++) xtwx[a]![b]! += wxa * x[b]!;
    }
  });
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtwx[a]![b] = xtwx[b]![a]!;
  // The pseudo-inverse copes with a term the weighted pool cannot identify (e.g. every car of a level down-weighted).
  const inverse = pseudoInverse(new Matrix(xtwx)).to2DArray();
  return { coefficients: inverse.map((row) => dot(row, xtwy)), inverse };
}

function huberWeight(u: number): number {
  return Math.abs(u) <= HUBER_C ? 1 : HUBER_C / Math.abs(u);
}

function bisquareWeight(u: number): number {
  const t = u / BISQUARE_C;
  return Math.abs(t) >= 1 ? 0 : (1 - t * t) ** 2;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
