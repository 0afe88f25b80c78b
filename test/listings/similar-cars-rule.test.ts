import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profitMargin, raisesAlert, rateDeal } from '../../domain/listings/deal-rating';
import { MIN_SAMPLE, valueCar, valueModel } from '../../domain/listings/similar-cars-rule';
import type { PricedCar } from '../../domain/listings/similarity';
import { similarity, specMatchScore, specTokens } from '../../domain/listings/similarity';

const SPEC = '1.0 EcoBoost Titanium 5dr';
/** An exactly linear market: £30,000 new in 2024, −£2,000 a year, −£0.08 a mile. */
const fairPrice = (year: number, mileage: number) => 30_000 - 2_000 * (2024 - year) - 0.08 * mileage;

function market(): PricedCar[] {
  const cars: PricedCar[] = [];
  let id = 0;
  for (const year of [2019, 2020, 2021, 2022, 2023]) {
    for (const mileage of [15_000, 30_000, 45_000]) {
      cars.push({ id: `c${id++}`, year, mileage, price: fairPrice(year, mileage), spec: SPEC });
    }
  }
  return cars;
}

const target = (price: number): PricedCar => ({ id: 'target', year: 2021, mileage: 30_000, price, spec: SPEC });

describe('similarity', () => {
  it('weights year 0.4, mileage 0.4 and spec 0.2', () => {
    const a = { year: 2020, mileage: 40_000 };
    assert.equal(similarity(a, a, 1), 1);
    assert.ok(Math.abs(similarity(a, { year: 2015, mileage: 40_000 }, 1) - (0.4 * 0.5 + 0.4 + 0.2)) < 1e-12);
    assert.ok(Math.abs(similarity(a, { year: 2020, mileage: 90_000 }, 0) - (0.4 + 0.4 * 0.5)) < 1e-12);
    assert.equal(similarity(a, { year: 2000, mileage: 400_000 }, 0), 0, 'each part is clamped at 0');
  });

  it('scores spec match as shared subtitle tokens', () => {
    assert.equal(specMatchScore(specTokens(SPEC), specTokens(SPEC)), 1);
    assert.equal(specMatchScore(specTokens('1.0 EcoBoost Titanium 5dr'), specTokens('1.5 EcoBoost ST-Line 5dr')), 2 / 6);
    assert.equal(specMatchScore(specTokens(null), specTokens(SPEC)), 0.5);
  });
});

describe('valuation and rating on constructed markets', () => {
  it('recovers the exact fair value of a noiseless market and rates each band as documented', () => {
    const fair = fairPrice(2021, 30_000); // £21,600
    const cases: Array<[number, string, boolean]> = [
      [17_000, 'excellent', true], // +27 %
      [18_500, 'excellent', false], // +16.8 %
      [19_500, 'good', false], // +10.8 %
      [20_400, 'negotiation', false], // +5.9 %
      [21_000, 'reject', false], // +2.9 %
      [24_000, 'reject', false], // −10 %
    ];
    for (const [price, rating, alert] of cases) {
      const valuation = valueCar(target(price), market());
      assert.equal(valuation.status, 'rated');
      if (valuation.status !== 'rated') continue;
      assert.equal(valuation.estimatedValue, fair);
      assert.equal(valuation.margin, (fair - price) / price);
      assert.equal(valuation.rating, rating, `£${price}`);
      assert.equal(raisesAlert(valuation.margin), alert, `alert at £${price}`);
      assert.equal(valuation.sampleSize, 15);
      assert.equal(valuation.sample.model.perYear, 2_000);
      assert.equal(valuation.sample.model.perMile, -0.08);
    }
  });

  it('takes the lower confidence bound when prices are noisy', () => {
    const noisy = market().map((car, i) => ({ ...car, price: car.price + (i % 2 === 0 ? 700 : -700) }));
    const valuation = valueCar(target(18_000), noisy);
    assert.equal(valuation.status, 'rated');
    if (valuation.status !== 'rated') return;
    assert.ok(valuation.estimatedValue < valuation.sample.fittedValue, 'estimate is below the fitted price');
    assert.ok(Math.abs(valuation.sample.fittedValue - 21_600) < 700);
    assert.ok(valuation.confidence > 0 && valuation.confidence < 1);
  });

  it('drops prices beyond two standard deviations', () => {
    const cars = [...market(), { id: 'silly', year: 2021, mileage: 30_000, price: 90_000, spec: SPEC }];
    const valuation = valueCar(target(18_000), cars);
    assert.equal(valuation.status, 'rated');
    if (valuation.status !== 'rated') return;
    assert.equal(valuation.sample.outliersDropped, 1);
    assert.equal(valuation.estimatedValue, 21_600);
  });

  it(`gives no rating with fewer than ${MIN_SAMPLE} similar cars`, () => {
    const few = market().filter((car) => car.year >= 2020 && car.year <= 2021).slice(0, MIN_SAMPLE - 1);
    assert.deepEqual(valueCar(target(18_000), few), { status: 'insufficient', sampleSize: MIN_SAMPLE - 1 });
    const farAway = market().map((car) => ({ ...car, year: car.year - 6 }));
    assert.equal(valueCar(target(18_000), farAway).status, 'insufficient', 'cars 4+ years apart are not similar');
  });

  it('values a whole model, each car against the others', () => {
    const cars = [...market(), target(17_000)];
    const valuations = valueModel(cars);
    assert.equal(valuations.size, 16);
    const underpriced = valuations.get('target')!;
    assert.equal(underpriced.status === 'rated' && underpriced.rating, 'excellent');
  });

  it('rates margins at the exact band edges', () => {
    assert.equal(rateDeal(0.15), 'excellent');
    assert.equal(rateDeal(0.1499), 'good');
    assert.equal(rateDeal(0.1), 'good');
    assert.equal(rateDeal(0.05), 'negotiation');
    assert.equal(rateDeal(0.0499), 'reject');
    assert.equal(profitMargin(12_000, 10_000), 0.2);
    assert.equal(raisesAlert(0.2), false);
    assert.equal(raisesAlert(0.2001), true);
    assert.throws(() => profitMargin(1, 0), /positive/);
  });
});
