import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseSearchResults } from '../../clients/autotrader/card-parser';
import { sharedFixture } from '../support/shared-reference';

const BASE = 'https://www.autotrader.co.uk';
const page = sharedFixture('autotrader/dxos-dxos__plugin-product-search__autotrader-results.sample.html');

describe('card parser over the saved real AutoTrader UK results page', () => {
  const parse = () => parseSearchResults(readFileSync(page.path!, 'utf8'), { baseUrl: BASE });

  it('returns exactly the 20 organic adverts: 24 cards minus 4 ad slots, 10 skeletons ignored', { skip: page.skip }, () => {
    const result = parse();
    assert.equal(result.layout, 'current');
    assert.equal(result.resultCount, 1515);
    assert.equal(result.skeletons, 10);
    assert.deepEqual(result.rejected, []);
    assert.deepEqual(
      result.adSlots.map((slot) => slot.slot),
      ['PROMOTED_LISTING', 'YOU_MAY_ALSO_LIKE', 'PROMOTED_LISTING', 'YOU_MAY_ALSO_LIKE'],
    );
    assert.deepEqual(
      result.adSlots.map((slot) => slot.advertId),
      ['202602210103308', '202510177223259', '202605152421080', '202604291986750'],
    );
    assert.equal(result.listings.length, 20);
    assert.equal(new Set(result.listings.map((l) => l.advertId)).size, 20);
    for (const listing of result.listings) {
      assert.match(listing.advertId, /^\d{15}$/);
      assert.equal(listing.title, 'Porsche 911', 'ad slots (718 Cayman) are excluded');
      assert.ok(listing.subtitle && listing.subtitle.length > 3);
      assert.ok(listing.year! >= 1990 && listing.year! <= 2026);
      assert.ok(listing.plate);
      assert.ok(listing.mileage! > 0);
      assert.ok(listing.price > 1000);
      assert.ok(listing.town);
      assert.ok(listing.distanceMiles! > 0);
      assert.equal(listing.url, `${BASE}/car-details/${listing.advertId}`);
    }
  });

  it('parses every field of a trade card and of a private card', { skip: page.skip }, () => {
    const byId = new Map(parse().listings.map((listing) => [listing.advertId, listing]));
    assert.deepEqual(byId.get('202605212601683'), {
      advertId: '202605212601683',
      title: 'Porsche 911',
      subtitle: '3.6 997 Carrera Cabriolet 2dr',
      year: 2006,
      plate: '56',
      mileage: 62485,
      price: 23995,
      sellerType: 'trade',
      dealerName: null,
      dealerRating: 4.7,
      town: 'Derby',
      distanceMiles: 24,
      url: `${BASE}/car-details/202605212601683`,
      priceIndicator: null,
      attentionGrabber: 'FULL SERVICE HISTORY - 2 KEYS',
    });
    const privateCard = byId.get('202604101440632')!;
    assert.equal(privateCard.sellerType, 'private');
    assert.equal(privateCard.dealerRating, null);
    assert.equal(privateCard.price, 9500);
    assert.equal(privateCard.year, 1998);
    assert.equal(privateCard.plate, 'S');
    assert.equal(privateCard.town, 'Wednesbury');
    assert.equal(privateCard.distanceMiles, 11);
  });

  it('reads the seller type and price indicators across the page', { skip: page.skip }, () => {
    const listings = parse().listings;
    assert.equal(listings.filter((l) => l.sellerType === 'private').length, 4);
    assert.deepEqual(
      listings.filter((l) => l.priceIndicator).map((l) => [l.advertId, l.priceIndicator]),
      [
        ['202604081379999', 'good'],
        ['202605282767830', 'great'],
        ['202604131493073', 'great'],
        ['202604101428122', 'low'],
      ],
    );
  });
});

describe('card parser on the older search-listing-specs layout', () => {
  const legacy = `
    <section data-testid="trader-seller-listing">
      <article data-testid="advertCard">
        <a href="/car-details/202401011234567?journey=x"><h3>Ford Fiesta</h3></a>
        <p data-testid="search-listing-subtitle">1.0 EcoBoost Titanium 5dr</p>
        <div data-testid="search-listing-price">£9,450</div>
        <ul data-testid="search-listing-specs"><li>2019 (69 reg)</li><li>Hatchback</li><li>31,200 miles</li><li>1.0L</li><li>Manual</li><li>Petrol</li></ul>
        <div data-testid="search-listing-seller">Smith Motors See all 42 cars</div>
        <span data-testid="search-listing-location">Dealer location Leeds (12 miles)</span>
      </article>
    </section>
    <section data-testid="private-seller-listing">
      <article data-testid="advertCard">
        <a href="/car-details/202401019999999"><h3>Ford Fiesta</h3></a>
        <div data-testid="search-listing-price">£7,000</div>
        <ul data-testid="search-listing-specs"><li>2018 (18 reg)</li><li>Hatchback</li><li>50,000 miles</li></ul>
        <div data-testid="search-listing-seller">Private seller</div>
        <span data-testid="search-listing-location">Seller location York</span>
      </article>
      <article data-testid="advertCard"><span data-testid="FEATURED_LISTING">Featured</span>
        <a href="/car-details/202401018888888"><h3>Ford Focus</h3></a>
      </article>
      <article data-testid="advertCard">
        <a href="/car-details/202401017777777"><h3>Ford Fiesta</h3></a>
      </article>
    </section>`;

  it('reads specs by their shape, skips ad slots and keeps an unreadable card with the reason', () => {
    const result = parseSearchResults(legacy, { baseUrl: BASE });
    assert.equal(result.layout, 'legacy');
    assert.deepEqual(result.adSlots, [{ advertId: '202401018888888', slot: 'FEATURED_LISTING' }]);
    assert.equal(result.listings.length, 2);
    assert.deepEqual(result.listings[0], {
      advertId: '202401011234567',
      title: 'Ford Fiesta',
      subtitle: '1.0 EcoBoost Titanium 5dr',
      year: 2019,
      plate: '69',
      mileage: 31200,
      price: 9450,
      sellerType: 'trade',
      dealerName: 'Smith Motors',
      dealerRating: null,
      town: 'Leeds',
      distanceMiles: 12,
      url: `${BASE}/car-details/202401011234567`,
      priceIndicator: null,
      attentionGrabber: null,
    });
    assert.equal(result.listings[1]!.sellerType, 'private');
    assert.equal(result.listings[1]!.town, 'York');
    assert.equal(result.rejected.length, 1);
    assert.equal(result.rejected[0]!.advertId, '202401017777777');
    assert.match(result.rejected[0]!.reason, /price/);
  });
});
