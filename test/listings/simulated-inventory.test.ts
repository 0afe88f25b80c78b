import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyTypeFromSubtitle } from '../../domain/listings/body-type';
import { parseSubtitle } from '../../domain/listings/car-features';
import { generateInventory } from '../../simulators/autotrader/inventory';

const MODELS: ReadonlyArray<[string, string]> = [
  ['Ford', 'Fiesta'],
  ['Volkswagen', 'Golf'],
  ['Skoda', 'Octavia'],
  ['Audi', 'A4'],
  ['BMW', '3 Series'],
  ['Vauxhall', 'Astra'],
  ['Toyota', 'Corolla'],
  ['Kia', 'Ceed'],
  ['Hyundai', 'i30'],
  ['Peugeot', '308'],
];

/** The estate names of the makes above, as the simulator writes them before the doors. */
const ESTATE_WORDS = / (Estate|Avant|Touring|Sports Tourer|Touring Sports|Sportswagon|Tourer|SW)(?= \d+dr$)/;

describe('simulated AutoTrader inventory', () => {
  it('names a body other than the model\'s usual one in the subtitle, as real derivative names do (F1), and the usual one never', () => {
    let named = 0;
    for (const seed of ['bench-1', 'bench-2', 'bench-3']) {
      for (const [make, model] of MODELS) {
        const cars = generateInventory(make, model, { seed });
        const usual = cars.filter((car) => car.bodyType !== 'Estate');
        const estates = cars.filter((car) => car.bodyType === 'Estate');
        assert.deepEqual(
          estates.filter((car) => bodyTypeFromSubtitle(car.subtitle) !== 'Estate').map((car) => car.subtitle),
          [],
          `${make} ${model}: every estate says so`,
        );
        assert.deepEqual(
          usual.filter((car) => bodyTypeFromSubtitle(car.subtitle) !== null).map((car) => car.subtitle),
          [],
          `${make} ${model}: the usual body goes unnamed`,
        );
        assert.ok(cars.every((car) => /^\d\.\d .+ \d+dr$/.test(car.subtitle)), 'engine first, doors last');
        for (const car of estates) {
          const { body, ...variant } = parseSubtitle(car.subtitle);
          const { body: none, ...withoutBody } = parseSubtitle(car.subtitle.replace(ESTATE_WORDS, ''));
          assert.deepEqual([body, none, variant], ['Estate', null, withoutBody], `${car.subtitle}: the body word takes nothing from engine or trim`);
        }
        named += estates.length;
      }
    }
    assert.ok(named > 0, 'some of these markets sell estates');
  });
});
