import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectBotChallenge } from '../../clients/autotrader/challenge';
import { parseKeySpecs } from '../../clients/autotrader/card-text';
import { buildSearchUrl, ORIGINAL_SEARCH_DEFAULTS, withSearchFilterSpecs } from '../../clients/autotrader/search-url';
import { withKeySpecsToStore, withSubtitleBodyType } from '../../clients/autotrader/stored-key-specs';
import { planBatches } from '../../domain/listings/batch-plan';
import { FLEET, FLEET_MODELS, findFleetModel } from '../../domain/listings/fleet';

describe('fleet and batch plan', () => {
  it('holds 242 models over the brands named in the four volume categories', () => {
    assert.equal(FLEET_MODELS.length, 242);
    const byCategory = (category: string) => FLEET.filter((b) => b.category === category).map((b) => b.make);
    assert.deepEqual(byCategory('LOW'), ['Suzuki', 'Tesla', 'Mitsubishi', 'Dacia', 'Lexus', 'DS Automobiles', 'Abarth', 'Alfa Romeo']);
    assert.deepEqual(byCategory('MEDIUM'), ['Hyundai', 'Renault', 'Citroen', 'Volvo', 'Skoda', 'SEAT', 'Fiat', 'Honda', 'Jaguar', 'Mazda', 'Porsche']);
    assert.deepEqual(byCategory('HIGH'), ['Vauxhall', 'Nissan', 'Toyota', 'Peugeot', 'MINI', 'Kia']);
    assert.deepEqual(byCategory('MASSIVE'), ['Ford', 'BMW', 'Audi', 'Volkswagen', 'Mercedes-Benz']);
    assert.equal(new Set(FLEET_MODELS.map((m) => `${m.make}|${m.model}`)).size, 242, 'no model twice');
    assert.deepEqual(findFleetModel(' ford ', 'FIESTA'), { make: 'Ford', model: 'Fiesta', category: 'MASSIVE' });
    assert.equal(findFleetModel('Ford', 'Model T'), undefined);
  });

  it('batches low brands together, medium and high brands one each, massive brands one per model, all within 24 h', () => {
    const batches = planBatches();
    const covered = batches.flatMap((b) => b.models.map((m) => `${m.make}|${m.model}`));
    assert.equal(covered.length, 242);
    assert.equal(new Set(covered).size, 242, 'every model in exactly one batch');
    assert.equal(batches[0]!.id, 'low-volume');
    assert.equal(batches[0]!.models.length, FLEET_MODELS.filter((m) => m.category === 'LOW').length);
    assert.equal(batches.find((b) => b.id === 'brand-kia')!.models.length, 10);
    assert.deepEqual(batches.find((b) => b.id === 'model-ford-fiesta')!.models, [{ make: 'Ford', model: 'Fiesta' }]);
    assert.equal(batches.length, 1 + 11 + 6 + 66);
    assert.equal(new Set(batches.map((b) => b.id)).size, batches.length);
    const starts = batches.map((b) => b.startMinuteUtc);
    assert.ok(starts.every((m, i) => m >= 0 && m < 1440 && (i === 0 || m > starts[i - 1]!)), 'spread over one day');
  });
});

describe('search URL', () => {
  it('uses the original defaults and the page number', () => {
    const url = new URL(
      buildSearchUrl('https://www.autotrader.co.uk', { make: 'BMW', model: '3 Series', postcode: 'SW1A 1AA', ...ORIGINAL_SEARCH_DEFAULTS }, 7),
    );
    assert.equal(url.pathname, '/car-search');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      postcode: 'sw1a1aa',
      radius: '25',
      make: 'BMW',
      model: '3 Series',
      'fuel-type': 'Petrol',
      transmission: 'Manual',
      'year-from': '2018',
      sort: 'relevance',
      page: '7',
    });
    assert.throws(() => buildSearchUrl('http://x', { make: 'a', model: 'b', postcode: 'p', ...ORIGINAL_SEARCH_DEFAULTS }, 0), /page/);
  });
});

describe('body, fuel and gearbox of a listing', () => {
  it('reads them from key specs by vocabulary, whatever their position or what the card leaves out', () => {
    assert.deepEqual(parseKeySpecs(['2019 (69 reg)', 'Estate', '31,200 miles', '1.5L', '150PS', 'Automatic', 'Petrol Plug-in Hybrid']), {
      bodyType: 'Estate',
      fuelType: 'Petrol Plug-in Hybrid',
      gearbox: 'Automatic',
    });
    assert.deepEqual(parseKeySpecs(['Diesel', '2018 (18 reg)', 'SUV']), { bodyType: 'SUV', fuelType: 'Diesel', gearbox: null });
    assert.deepEqual(parseKeySpecs([]), { bodyType: null, fuelType: null, gearbox: null });
  });

  it('takes fuel and gearbox from the search filters when the card does not state them; the card wins when it does', () => {
    const criteria = { fuelType: 'Petrol', transmission: 'Manual' };
    assert.deepEqual(withSearchFilterSpecs({ bodyType: null, fuelType: null, gearbox: null }, criteria), {
      bodyType: null,
      fuelType: 'Petrol',
      gearbox: 'Manual',
    });
    assert.deepEqual(withSearchFilterSpecs({ bodyType: 'Saloon', fuelType: 'Petrol Hybrid', gearbox: 'Automatic' }, criteria), {
      bodyType: 'Saloon',
      fuelType: 'Petrol Hybrid',
      gearbox: 'Automatic',
    });
  });
});

describe('body, fuel and gearbox a scrape stores', () => {
  const criteria = { fuelType: 'Petrol', transmission: 'Manual' };
  const card = (subtitle: string | null, bodyType: string | null = null) => ({ subtitle, bodyType, fuelType: null, gearbox: null });

  it('fills the body from the subtitle where the card states none, and leaves it unknown where the subtitle names none', () => {
    assert.deepEqual(withSubtitleBodyType(card('3.6 997 Carrera Cabriolet 2dr')), card('3.6 997 Carrera Cabriolet 2dr', 'Convertible'));
    assert.deepEqual(withSubtitleBodyType(card('3.8 997 Carrera S 2dr')), card('3.8 997 Carrera S 2dr'));
    assert.deepEqual(withSubtitleBodyType(card(null)), card(null));
  });

  it('keeps the card\'s own body key spec over the subtitle\'s', () => {
    assert.equal(withSubtitleBodyType(card('1.6 HDi Allure SW 5dr', 'MPV')).bodyType, 'MPV');
  });

  it('stores the subtitle\'s body with the search\'s fuel and gearbox', () => {
    assert.deepEqual(withKeySpecsToStore({ ...card('1.2 PureTech Allure SW 5dr'), advertId: '1' }, criteria), {
      advertId: '1',
      subtitle: '1.2 PureTech Allure SW 5dr',
      bodyType: 'Estate',
      fuelType: 'Petrol',
      gearbox: 'Manual',
    });
  });
});

describe('bot challenge detection', () => {
  const normal = { status: 200, headers: { 'content-type': 'text/html' }, title: 'Used Ford Fiesta cars for sale', hasTurnstile: false };
  it('recognises the header, the title and the Turnstile iframe', () => {
    assert.equal(detectBotChallenge(normal), null);
    assert.match(detectBotChallenge({ ...normal, status: 403, headers: { 'CF-Mitigated': 'challenge' } })!, /cf-mitigated/);
    assert.match(detectBotChallenge({ ...normal, title: 'Just a moment...' })!, /Just a moment/);
    assert.match(detectBotChallenge({ ...normal, hasTurnstile: true })!, /Turnstile/);
  });
});
