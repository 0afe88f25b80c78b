import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { medianShift, priceDrop, scrapeShortfall } from '../../domain/listings/market-alerts';
import { type DailyMedian, type MarketListing, summariseMarket } from '../../domain/listings/market-summary';

const AS_OF = new Date(Date.UTC(2026, 11, 1));
const daysAgo = (n: number) => new Date(AS_OF.getTime() - n * 86_400_000);
const listing = (price: number, year: number, plate: string, firstSeen: number, lastSeen = 0): MarketListing => ({
  price,
  year,
  plate,
  firstSeen: daysAgo(firstSeen),
  lastSeen: daysAgo(lastSeen),
});
/** Daily medians over `days` days, each `dailyChange` above the one before. */
const series = (days: number, dailyChange: number, start = 10_000): DailyMedian[] =>
  Array.from({ length: days }, (_, i) => ({
    day: daysAgo(days - 1 - i).toISOString().slice(0, 10),
    medianPrice: start * (1 + dailyChange) ** i,
    listings: 100,
  }));

describe('market summary', () => {
  const listings = [
    listing(21_000, 2026, '26', 10), // under 1 year
    listing(19_000, 2025, '75', 4), // 1.25 years
    listing(17_000, 2024, '24', 20), // 2.75 years
    listing(12_000, 2021, '71', 30), // 5.25 years
    listing(9_000, 2019, '19', 6, 5), // gone 5 days ago
  ];

  it('reports the current listings’ spread, median by age band and days on market', () => {
    const summary = summariseMarket(listings, [], AS_OF);
    assert.equal(summary.sampleSize, 4);
    assert.equal(summary.listingsGone, 1);
    assert.equal(summary.medianPrice, 18_000);
    assert.deepEqual(summary.ageBands, [
      { band: 'under 1 year', listings: 1, medianPrice: 21_000 },
      { band: '1-3 years', listings: 2, medianPrice: 18_000 },
      { band: '5-8 years', listings: 1, medianPrice: 12_000 },
    ]);
    // Days from first to last seen: 10, 4, 20, 30 and 1.
    assert.equal(summary.medianDaysOnMarket, 10);
    assert.equal(summary.trend, 'unknown');
    assert.equal(summary.trendPct, null);
  });

  it('calls a steadily rising median rising, with its slope per 30 days, and a flat one stable', () => {
    const rising = summariseMarket(listings, series(20, 0.002), AS_OF);
    assert.equal(rising.trend, 'rising');
    assert.ok(Math.abs(rising.trendPct! - (1.002 ** 30 - 1)) < 1e-3, `slope ${rising.trendPct}`);
    assert.equal(rising.trendDays, 20);
    const falling = summariseMarket(listings, series(20, -0.002), AS_OF);
    assert.equal(falling.trend, 'falling');
    const flat = series(20, 0).map((d, i) => ({ ...d, medianPrice: d.medianPrice * (i % 2 === 0 ? 1.002 : 0.998) }));
    assert.equal(summariseMarket(listings, flat, AS_OF).trend, 'stable');
    // A slope as small as noise is stable too: 0.5 % a month.
    assert.equal(summariseMarket(listings, series(20, 0.0005 / 3), AS_OF).trend, 'stable');
  });

  it('grows confidence with days of history', () => {
    const short = summariseMarket(listings, series(4, 0.003), AS_OF);
    const long = summariseMarket(listings, series(30, 0.003), AS_OF);
    assert.ok(short.confidence < long.confidence, `${short.confidence} < ${long.confidence}`);
  });
});

describe('market alerts', () => {
  it('raises a price drop at either threshold, never on a rise', () => {
    const thresholds = { minShare: 0.05, minAmount: 1_000 };
    assert.deepEqual(priceDrop(10_000, 9_500, thresholds), { amount: 500, share: 0.05 });
    assert.equal(priceDrop(10_000, 9_600, thresholds), null);
    assert.deepEqual(priceDrop(40_000, 39_000, thresholds), { amount: 1_000, share: 0.025 });
    assert.equal(priceDrop(10_000, 11_000, thresholds), null);
  });

  it('raises a median shift beyond the threshold against the latest earlier day', () => {
    const previous = { day: '2026-11-30', medianPrice: 10_000, listings: 100 };
    assert.deepEqual(medianShift(previous, { day: '2026-12-01', medianPrice: 10_600, listings: 100 }, 0.05), { change: 0.06 });
    assert.equal(medianShift(previous, { day: '2026-12-01', medianPrice: 10_500, listings: 100 }, 0.05), null);
    assert.equal(medianShift(null, previous, 0.05), null);
    assert.equal(medianShift(previous, previous, 0.05), null);
  });

  it('raises a scrape shortfall below the share of the usual count, once there is a usual', () => {
    assert.deepEqual(scrapeShortfall(100, [400, 420, 380], 0.5), { usual: 400 });
    assert.equal(scrapeShortfall(250, [400, 420, 380], 0.5), null);
    assert.equal(scrapeShortfall(0, [400, 420], 0.5), null);
  });
});
