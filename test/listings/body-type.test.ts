import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as cheerio from 'cheerio';
import { parseSearchResults } from '../../clients/autotrader/card-parser';
import { parseGatewayResponse } from '../../clients/autotrader/gateway-parser';
import { bodyTypeFromSubtitle, readSubtitleBody } from '../../domain/listings/body-type';
import { sharedFixture } from '../support/shared-reference';

const BASE = 'https://www.autotrader.co.uk';

describe('body read from a subtitle', () => {
  it('reads the body words of derivative names as the site\'s body types', () => {
    const cases: Array<[string, string | null]> = [
      ['1.5 TSI Life Estate 5dr', 'Estate'],
      ['2.0 TDI S line Avant S Tronic Euro 6 (s/s) 5dr', 'Estate'],
      ['2.0 320d M Sport Touring Auto Euro 6 (s/s) 5dr', 'Estate'],
      ['1.4T ecoTEC SRi Nav Sports Tourer Euro 6 (s/s) 5dr', 'Estate'],
      ['1.3 TCe Iconic Sport Tourer EDC 5dr', 'Estate'],
      ['1.8 VVT-h Design Touring Sports CVT Euro 6 (s/s) 5dr', 'Estate'],
      ['1.6 CRDi SE Nav Tourer Euro 5 5dr', 'Estate'],
      ['1.4 T-GDi 3 Sportswagon Euro 6 (s/s) 5dr', 'Estate'],
      ['1.2 PureTech Allure SW Euro 6 (s/s) 5dr', 'Estate'],
      ['2.0 CLA 220d AMG Line Shooting Brake 7G-DCT 5dr', 'Estate'],
      ['1.5 218d Sport Gran Tourer DCT 5dr', 'MPV'],
      ['1.5 TFSI S line Sportback S Tronic 5dr', 'Hatchback'],
      ['1.6 Cooper Hatch 3dr', 'Hatchback'],
      ['2.0 TFSI S line Cabriolet 2dr', 'Convertible'],
      ['1.4 TSI Design Cabrio 2dr', 'Convertible'],
      ['2.0 sDrive20i M Sport Roadster 2dr', 'Convertible'],
      ['3.9 V8 Spider F1 DCT 2dr', 'Convertible'],
      ['4.0 V12 Volante Touchtronic 2dr', 'Convertible'],
      ['2.0 420i M Sport Coupe Auto 2dr', 'Coupe'],
      ['2.0 420i M Sport Coupé Auto 2dr', 'Coupe'],
      ['1.5 Sport Saloon 4dr', 'Saloon'],
      ['3.2 TDCi Wildtrak Pick Up 4dr', 'Pickup'],
      ['1.6 Allure Coupe Cabriolet 2dr', 'Convertible'],
      ['4.0 992 GT3 Touring PDK 2dr', null],
      ['1.0 EcoBoost ST-Line 5dr', null],
      ['Titanium 3dr', null],
      ['', null],
    ];
    for (const [subtitle, body] of cases) assert.equal(bodyTypeFromSubtitle(subtitle), body, subtitle);
    assert.equal(bodyTypeFromSubtitle(null), null);
  });

  it('matches whole words only, any case for words and capitals only for abbreviations', () => {
    assert.equal(bodyTypeFromSubtitle('1.0 Estatesman 5dr'), null, 'no word inside another');
    assert.equal(bodyTypeFromSubtitle('1.0 Hatchmaster 5dr'), null);
    assert.equal(bodyTypeFromSubtitle('1.0 SE ESTATE 5dr'), 'Estate');
    assert.equal(bodyTypeFromSubtitle('1.0 SE estate 5dr'), 'Estate');
    assert.equal(bodyTypeFromSubtitle('1.0 SE (Estate) 5dr'), 'Estate');
    assert.equal(bodyTypeFromSubtitle('1.6 HDi SW 5dr'), 'Estate');
    assert.equal(bodyTypeFromSubtitle('1.6 HDi Sw 5dr'), null, '"SW" is an estate only in capitals');
    assert.equal(bodyTypeFromSubtitle('1.0 Sports 5dr'), null, 'half a phrase is no body');
  });

  it('says which tokens name the body, so they are not taken for trim', () => {
    assert.deepEqual([...readSubtitleBody('1.4T SRi Sports Tourer 5dr').tokenIndexes], [2, 3]);
    assert.deepEqual([...readSubtitleBody('3.8 997 Carrera S Cabriolet PDK 2dr').tokenIndexes], [4]);
    assert.deepEqual([...readSubtitleBody('4.0 992 GT3 Touring PDK 2dr').tokenIndexes], []);
    assert.deepEqual([...readSubtitleBody('1.6 i-DTEC Sport Tourer 5dr').tokenIndexes], [3], 'a Sport trim is not part of the body');
    assert.deepEqual([...readSubtitleBody('1.6 CRDi Active Tourer 5dr').tokenIndexes], [3], 'nor an Active one');
  });
});

describe('body read from the subtitles of the recorded real pages', () => {
  const page = sharedFixture('autotrader/dxos-dxos__plugin-product-search__autotrader-results.sample.html');
  const gateway = sharedFixture('autotrader/ahmerfr-SupremeMotors__tests-Fixtures-autotraderuk__search-response.json');

  it('F1 (Porsche 911 page): its cabriolets and the targa are convertibles, every coupé names no body', { skip: page.skip }, () => {
    // Every subtitle on the page, ad slots' too (the targa is a promoted advert's).
    const $ = cheerio.load(readFileSync(page.path!, 'utf8'));
    const subtitles = $('[data-testid="search-listing-subtitle"]')
      .toArray()
      .map((el) => $(el).text().trim());
    assert.equal(subtitles.length, 24);
    const named = subtitles.filter((s) => bodyTypeFromSubtitle(s) !== null);
    assert.deepEqual(
      named.map((s) => [s, bodyTypeFromSubtitle(s)]),
      [
        ['3.6 997 Carrera Cabriolet 2dr', 'Convertible'],
        ['3.6 964 Carrera 2 Cabriolet 2dr', 'Convertible'],
        ['3.6 997 Turbo Cabriolet Tiptronic S AWD 2dr', 'Convertible'],
        ['3.6 996 Carrera 4S Cabriolet Tiptronic S AWD 2dr', 'Convertible'],
        ['3.6 996 Targa Tiptronic S 2dr', 'Convertible'],
        ['3.8 997 Carrera S Cabriolet PDK 2dr', 'Convertible'],
        ['3.8 997 Carrera S Cabriolet PDK 2dr', 'Convertible'],
      ],
    );
    assert.deepEqual(
      subtitles.filter((s) => !named.includes(s)).filter((s) => /cabrio|targa|coupe|estate|tourer/i.test(s)),
      [],
      'no subtitle naming a body is missed',
    );
    // The organic adverts the scrape stores are read the same way.
    const listings = parseSearchResults(readFileSync(page.path!, 'utf8'), { baseUrl: BASE }).listings;
    assert.equal(listings.filter((l) => bodyTypeFromSubtitle(l.subtitle) === 'Convertible').length, 5);
  });

  it('F2 (gateway, 20 adverts of many models): no subtitle names a body, and none is invented', { skip: gateway.skip }, () => {
    const listings = parseGatewayResponse(JSON.parse(readFileSync(gateway.path!, 'utf8')), { baseUrl: BASE }).listings;
    assert.equal(listings.length, 20);
    assert.ok(listings.some((l) => l.subtitle === '2.0 dCi GT Euro 4 2dr'), 'a 2-door coupé trim with "GT" in it');
    assert.deepEqual(
      listings.filter((l) => bodyTypeFromSubtitle(l.subtitle) !== null).map((l) => l.subtitle),
      [],
    );
  });
});
