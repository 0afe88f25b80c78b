import os from 'node:os';
import { ORIGINAL_SEARCH_DEFAULTS } from '../clients/autotrader/search-url';
import { withKeySpecsToStore } from '../clients/autotrader/stored-key-specs';
import type { PricedCar } from '../domain/listings/car-features';
import type { DealRating } from '../domain/listings/deal-rating';
import { valueModel as valueBySimilarCars } from '../domain/listings/similar-cars-rule';
import { valueModel } from '../domain/listings/valuation';
import { generateInventory, matchesFilters, SIMULATED_MARKET_DATE, type SimulatedCar } from '../simulators/autotrader/inventory';
import { reportBenchmark } from './results-file';
import type { SummaryRow } from './summary-table';

/**
 * `npm run bench pricing`: how close valuations come to the simulator's fair value (ground truth,
 * see `generateInventory`) and how well ratings find the underpriced cars (priced ≥ 15 % below
 * fair value), for several market seeds and models of every volume category. The same cars are
 * valued three ways in the same run:
 *
 * - `valuation`: the robust regression on everything the card shows (subtitle, plate, mileage,
 *   seller, and body, fuel and gearbox from the older layout's key specs);
 * - `valuation, current layout`: the same without the key specs (the current card layout and the
 *   gateway JSON state none), searched without filters: fuel and gearbox unknown, the body only
 *   where the subtitle names it (a model's second body; the usual one goes unnamed);
 * - `valuation, production search`: on the cars the production search returns (AUTOTRADER_FUEL_TYPE
 *   Petrol, AUTOTRADER_TRANSMISSION Manual), each valued against those only, with exactly what the
 *   listings table stores for them (`withKeySpecsToStore`, as the scrape does): fuel and gearbox
 *   from the search filters (the same for every car it compares), the body the subtitle names;
 * - `similar-cars rule`: the rule before issue 14 (the reference).
 *
 * Each figure is printed beside the original system's claim and the targets of issue 14.
 * PRICING_BENCH_SEEDS (default 3) sets how many markets.
 */

const MODELS: ReadonlyArray<[string, string]> = [
  ['Ford', 'Fiesta'],
  ['Volkswagen', 'Golf'],
  ['Kia', 'Sportage'],
  ['Toyota', 'Yaris'],
  ['Skoda', 'Octavia'],
  ['Hyundai', 'Tucson'],
  ['Dacia', 'Duster'],
  ['Suzuki', 'Swift'],
];
const SEEDS = Array.from({ length: Number(process.env.PRICING_BENCH_SEEDS ?? 3) }, (_, i) => `bench-${i + 1}`);

/** The original Car Dealer Bot's advertised figures (issue 14). */
const ORIGINAL_CLAIM = { within500: 0.92, excellentPrecision: 0.88, falsePositives: 0.05 };

interface Valued {
  car: SimulatedCar;
  estimate: number | null;
  rating: DealRating | null;
}

interface Accuracy {
  cars: number;
  valued: number;
  within500: number;
  within1000: number;
  medianAbsError: number;
  medianAbsErrorPct: number;
  bias: number;
  biasPct: number;
  shareBelowFair: number;
  excellent: number;
  excellentPrecision: number;
  excellentOrGood: number;
  falsePositives: number;
  underpriced: number;
  recall: number;
  seconds: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function accuracy(valued: Valued[], seconds: number): Accuracy {
  const rated = valued.filter((v): v is Valued & { estimate: number; rating: DealRating } => v.estimate !== null && v.rating !== null);
  const errors = rated.map((v) => v.estimate - v.car.fairPrice);
  const relative = rated.map((v) => v.estimate / v.car.fairPrice - 1);
  const excellent = rated.filter((v) => v.rating === 'excellent');
  const flagged = rated.filter((v) => v.rating === 'excellent' || v.rating === 'good');
  const underpriced = valued.filter((v) => v.car.underpriced);
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  return {
    cars: valued.length,
    valued: rated.length,
    within500: share(errors.filter((e) => Math.abs(e) <= 500).length, rated.length),
    within1000: share(errors.filter((e) => Math.abs(e) <= 1000).length, rated.length),
    medianAbsError: median(errors.map(Math.abs)),
    medianAbsErrorPct: median(relative.map(Math.abs)),
    bias: errors.reduce((s, e) => s + e, 0) / rated.length,
    biasPct: relative.reduce((s, e) => s + e, 0) / rated.length,
    shareBelowFair: share(errors.filter((e) => e < 0).length, rated.length),
    excellent: excellent.length,
    excellentPrecision: share(excellent.filter((v) => v.car.underpriced).length, excellent.length),
    excellentOrGood: flagged.length,
    falsePositives: share(flagged.filter((v) => !v.car.underpriced).length, flagged.length),
    underpriced: underpriced.length,
    recall: share(underpriced.filter((v) => v.rating === 'excellent' || v.rating === 'good').length, underpriced.length),
    seconds,
  };
}

/** Which key specs the valuation gets: all the older layout's, only what a production scrape stores, or none. */
type KeySpecsSeen = 'older layout' | 'stored' | 'none';

const asCard = (car: SimulatedCar, keySpecs: KeySpecsSeen): PricedCar => ({
  id: car.advertId,
  price: car.price,
  year: car.year,
  plate: car.plate,
  mileage: car.mileage,
  subtitle: car.subtitle,
  sellerType: car.sellerType,
  ...(keySpecs === 'older layout' ? { body: car.bodyType, fuel: car.fuelType, gearbox: car.transmission } : {}),
  ...(keySpecs === 'stored' ? storedKeySpecs(car) : {}),
});

/** What the listings table holds for a car the production search found on the current card (no key specs on it), as the scrape stores it. */
function storedKeySpecs(car: SimulatedCar): Pick<PricedCar, 'body' | 'fuel' | 'gearbox'> {
  const { bodyType, fuelType, gearbox } = withKeySpecsToStore({ subtitle: car.subtitle, bodyType: null, fuelType: null, gearbox: null }, PRODUCTION_SEARCH);
  return { body: bodyType, fuel: fuelType, gearbox };
}
const KEY_SPECS_SEEN: Record<Exclude<Method, 'similar-cars rule'>, KeySpecsSeen> = {
  valuation: 'older layout',
  'valuation, current layout': 'none',
  'valuation, production search': 'stored',
};

type Method = 'valuation' | 'valuation, current layout' | 'valuation, production search' | 'similar-cars rule';
const METHODS: Method[] = ['valuation', 'valuation, current layout', 'valuation, production search', 'similar-cars rule'];
const PRODUCTION_SEARCH = { fuelType: ORIGINAL_SEARCH_DEFAULTS.fuelType, transmission: ORIGINAL_SEARCH_DEFAULTS.transmission };

function valueMarket(method: Method, market: SimulatedCar[]): Valued[] {
  const cars = method === 'valuation, production search' ? market.filter((car) => matchesFilters(car, PRODUCTION_SEARCH)) : market;
  if (method === 'similar-cars rule') {
    const valuations = valueBySimilarCars(cars.map((car) => ({ id: car.advertId, year: car.year, mileage: car.mileage, price: car.price, spec: car.subtitle })));
    return cars.map((car) => {
      const v = valuations.get(car.advertId)!;
      return { car, estimate: v.status === 'rated' ? v.estimatedValue : null, rating: v.status === 'rated' ? v.rating : null };
    });
  }
  const valuations = valueModel(
    cars.map((car) => asCard(car, KEY_SPECS_SEEN[method])),
    SIMULATED_MARKET_DATE,
  );
  return cars.map((car) => {
    const v = valuations.get(car.advertId)!;
    return { car, estimate: v.status === 'rated' ? v.estimatedValue : null, rating: v.status === 'rated' ? v.rating : null };
  });
}

function main() {
  const results = new Map<Method, { valued: Valued[]; seconds: number }>(METHODS.map((m) => [m, { valued: [], seconds: 0 }]));
  const perModel: Array<Record<string, unknown>> = [];
  for (const seed of SEEDS) {
    for (const [make, model] of MODELS) {
      const cars = generateInventory(make, model, { seed });
      const row: Record<string, unknown> = { seed, make, model, cars: cars.length, underpriced: cars.filter((c) => c.underpriced).length };
      for (const method of METHODS) {
        const started = process.hrtime.bigint();
        const valued = valueMarket(method, cars);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const result = results.get(method)!;
        result.valued.push(...valued);
        result.seconds += seconds;
        row[method] = round(accuracy(valued, seconds).within500, 3);
      }
      perModel.push(row);
      console.log(`${seed} ${make} ${model}: ${cars.length} cars, within ±£500 ${METHODS.map((m) => `${m} ${row[m]}`).join(', ')}`);
    }
  }
  const figures = Object.fromEntries(METHODS.map((m) => [m, roundAll(accuracy(results.get(m)!.valued, results.get(m)!.seconds))]));
  const ours = figures['valuation']!;
  const currentLayout = figures['valuation, current layout']!;
  const productionSearch = figures['valuation, production search']!;
  const before = figures['similar-cars rule']!;
  const pct = (value: number) => round(value * 100, 1);
  const reference = (value: number) => ({ name: 'similar-cars rule', value });
  const summary: SummaryRow[] = [
    { figure: 'estimates within ±£500 (original claims 92 %)', value: pct(ours.within500), unit: '%', target: { op: '>=', value: 92 }, reference: reference(pct(before.within500)) },
    { figure: 'estimates within ±£1,000', value: pct(ours.within1000), unit: '%', reference: reference(pct(before.within1000)) },
    { figure: 'median absolute error', value: Math.round(ours.medianAbsError), unit: '£', reference: reference(Math.round(before.medianAbsError)) },
    { figure: 'median absolute error', value: pct(ours.medianAbsErrorPct), unit: '%', target: { op: '<=', value: 2 }, reference: reference(pct(before.medianAbsErrorPct)) },
    { figure: '|bias|', value: Math.abs(pct(ours.biasPct)), unit: '%', target: { op: '<=', value: 1 }, reference: reference(Math.abs(pct(before.biasPct))) },
    { figure: 'excellent truly underpriced (original claims 88 %)', value: pct(ours.excellentPrecision), unit: '%', target: { op: '>=', value: 95 }, reference: reference(pct(before.excellentPrecision)) },
    { figure: 'excellent + good not underpriced (original claims < 5 %)', value: pct(ours.falsePositives), unit: '%', target: { op: '<=', value: 5 }, reference: reference(pct(before.falsePositives)) },
    { figure: 'underpriced rated excellent or good', value: pct(ours.recall), unit: '%', target: { op: '>=', value: 90 }, reference: reference(pct(before.recall)) },
    { figure: 'within ±£500, current card layout (body from the subtitle, no fuel/gearbox)', value: pct(currentLayout.within500), unit: '%', target: { op: '>=', value: 92 }, reference: reference(pct(before.within500)) },
    { figure: 'excellent + good not underpriced, current card layout', value: pct(currentLayout.falsePositives), unit: '%', target: { op: '<=', value: 5 }, reference: reference(pct(before.falsePositives)) },
    { figure: 'within ±£500, production search (stored: fuel, gearbox, body from the subtitle)', value: pct(productionSearch.within500), unit: '%', target: { op: '>=', value: 92 }, reference: reference(pct(before.within500)) },
    { figure: 'excellent + good not underpriced, production search', value: pct(productionSearch.falsePositives), unit: '%', target: { op: '<=', value: 5 }, reference: reference(pct(before.falsePositives)) },
    { figure: 'median absolute error, production search', value: pct(productionSearch.medianAbsErrorPct), unit: '%', target: { op: '<=', value: 2 }, reference: reference(pct(before.medianAbsErrorPct)) },
    { figure: '|bias|, production search', value: Math.abs(pct(productionSearch.biasPct)), unit: '%', target: { op: '<=', value: 1 }, reference: reference(Math.abs(pct(before.biasPct))) },
    { figure: 'excellent truly underpriced, production search', value: pct(productionSearch.excellentPrecision), unit: '%', target: { op: '>=', value: 95 }, reference: reference(pct(before.excellentPrecision)) },
    { figure: 'underpriced rated excellent or good, production search', value: pct(productionSearch.recall), unit: '%', target: { op: '>=', value: 90 }, reference: reference(pct(before.recall)) },
  ];
  console.log(`\nload average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${SEEDS.length} seeds × ${MODELS.length} models, ${ours.cars} cars`);
  console.log(['figure', ...METHODS, 'original claim'].join(' | '));
  const line = (name: string, key: keyof Accuracy, claim = '—') => console.log([name, ...METHODS.map((m) => String(figures[m]![key])), claim].join(' | '));
  line('within ±£500', 'within500', String(ORIGINAL_CLAIM.within500));
  line('within ±£1,000', 'within1000');
  line('median abs error £', 'medianAbsError');
  line('median abs error %', 'medianAbsErrorPct');
  line('bias £', 'bias');
  line('bias %', 'biasPct');
  line('share below fair value', 'shareBelowFair');
  line('excellent precision', 'excellentPrecision', String(ORIGINAL_CLAIM.excellentPrecision));
  line('false positives among excellent + good', 'falsePositives', `< ${ORIGINAL_CLAIM.falsePositives}`);
  line('recall of underpriced', 'recall');
  line('cars valued', 'valued');
  line('seconds', 'seconds');
  reportBenchmark('pricing', { seeds: SEEDS, models: MODELS.map(([make, model]) => `${make} ${model}`), originalClaim: ORIGINAL_CLAIM, methods: figures, perModel }, summary);
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const roundAll = (accuracyFigures: Accuracy) =>
  Object.fromEntries(Object.entries(accuracyFigures).map(([key, value]) => [key, round(value, 4)])) as unknown as Accuracy;

main();
