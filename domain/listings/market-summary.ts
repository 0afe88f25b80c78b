import { cumulativeStdNormalProbability, linearRegression, median } from 'simple-statistics';
import { ageInYears } from './car-features';

/** One listing of the model seen within the market window. */
export interface MarketListing {
  price: number;
  year: number | null;
  plate: string | null;
  firstSeen: Date;
  lastSeen: Date;
}

/** The model's median asking price on one day it was analysed. */
export interface DailyMedian {
  day: string;
  medianPrice: number;
  listings: number;
}

export const MARKET_TRENDS = ['rising', 'stable', 'falling', 'unknown'] as const;
export type MarketTrend = (typeof MARKET_TRENDS)[number];

export interface MarketSummary {
  /** Listings still on sale (seen within LISTING_GONE_DAYS). */
  sampleSize: number;
  minPrice: number | null;
  maxPrice: number | null;
  medianPrice: number | null;
  ageBands: Array<{ band: string; listings: number; medianPrice: number }>;
  trend: MarketTrend;
  /** Relative change of the daily median per 30 days (the fitted slope); null with fewer than MIN_TREND_DAYS days. */
  trendPct: number | null;
  trendDays: number;
  /** 0–1: days of history (full at 14), listings (full at 30), and for a rising or falling trend how clearly its slope differs from zero. */
  confidence: number;
  /** Median days from first to last seen, over every listing in the window. */
  medianDaysOnMarket: number | null;
  /** Listings not seen for LISTING_GONE_DAYS: sold or withdrawn. */
  listingsGone: number;
}

export const AGE_BANDS: ReadonlyArray<{ band: string; below: number }> = [
  { band: 'under 1 year', below: 1 },
  { band: '1-3 years', below: 3 },
  { band: '3-5 years', below: 5 },
  { band: '5-8 years', below: 8 },
  { band: '8 years and over', below: Number.POSITIVE_INFINITY },
];
/** Days of daily medians the trend is fitted over, and the fewest it needs. */
export const TREND_WINDOW_DAYS = 90;
export const MIN_TREND_DAYS = 3;
/** A trend is rising or falling only when its slope is at least 1 % per 30 days and its t statistic at least 2. */
const STABLE_SLOPE = 0.01;
const SIGNIFICANT_T = 2;
const FULL_HISTORY_DAYS = 14;
const FULL_SAMPLE = 30;
/** A listing not seen for this many days has gone (sold or withdrawn). */
export const LISTING_GONE_DAYS = 2;
const DAY_MS = 24 * 3600 * 1000;

/**
 * One model's market on `asOf`: the current listings' price spread and median by age band, the
 * trend of the daily median (a least-squares line through its logarithm over the last 90 days),
 * and days on market from first to last seen.
 */
export function summariseMarket(listings: readonly MarketListing[], daily: readonly DailyMedian[], asOf: Date): MarketSummary {
  const goneBefore = asOf.getTime() - LISTING_GONE_DAYS * DAY_MS;
  const current = listings.filter((l) => l.lastSeen.getTime() >= goneBefore);
  const prices = current.map((l) => l.price).sort((a, b) => a - b);
  const ageBands = AGE_BANDS.flatMap(({ band, below }, i) => {
    const from = i === 0 ? 0 : AGE_BANDS[i - 1]!.below;
    const inBand = current.filter((l) => {
      if (l.year === null) return false;
      const age = ageInYears({ year: l.year, plate: l.plate }, asOf);
      return age >= from && age < below;
    });
    return inBand.length === 0 ? [] : [{ band, listings: inBand.length, medianPrice: median(inBand.map((l) => l.price)) }];
  });
  const trend = fitTrend(daily, asOf);
  const sizeFactor = Math.min(1, current.length / FULL_SAMPLE);
  const historyFactor = Math.min(1, trend.days / FULL_HISTORY_DAYS);
  const days = listings.map((l) => (l.lastSeen.getTime() - l.firstSeen.getTime()) / DAY_MS);
  return {
    sampleSize: current.length,
    minPrice: prices[0] ?? null,
    maxPrice: prices[prices.length - 1] ?? null,
    medianPrice: prices.length > 0 ? median(prices) : null,
    ageBands,
    trend: trend.trend,
    trendPct: trend.slopePer30Days === null ? null : round(trend.slopePer30Days, 4),
    trendDays: trend.days,
    confidence: round(sizeFactor * historyFactor * trend.clarity, 3),
    medianDaysOnMarket: days.length > 0 ? round(median(days), 1) : null,
    listingsGone: listings.length - current.length,
  };
}

function fitTrend(daily: readonly DailyMedian[], asOf: Date) {
  const since = asOf.getTime() - TREND_WINDOW_DAYS * DAY_MS;
  const points = daily
    .filter((d) => d.medianPrice > 0 && Date.parse(d.day) >= since)
    .map((d) => [Date.parse(d.day) / DAY_MS, Math.log(d.medianPrice)] as [number, number]);
  if (points.length < MIN_TREND_DAYS) return { trend: 'unknown' as const, slopePer30Days: null, days: points.length, clarity: 1 };
  const { m, b } = linearRegression(points);
  const meanX = points.reduce((s, [x]) => s + x, 0) / points.length;
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  const residualVariance = points.reduce((s, [x, y]) => s + (y - (m * x + b)) ** 2, 0) / Math.max(1, points.length - 2);
  const standardError = Math.sqrt(residualVariance / sxx);
  const t = standardError > 0 ? Math.abs(m) / standardError : Number.POSITIVE_INFINITY;
  const slopePer30Days = Math.expm1(m * 30);
  const moving = Math.abs(slopePer30Days) >= STABLE_SLOPE && t >= SIGNIFICANT_T;
  // How clearly the slope differs from zero (normal approximation of the t statistic): 1 − two-sided p.
  const clarity = moving ? 2 * cumulativeStdNormalProbability(Math.min(t, 8)) - 1 : 1;
  const trend: MarketTrend = !moving ? 'stable' : slopePer30Days > 0 ? 'rising' : 'falling';
  return { trend, slopePer30Days, days: points.length, clarity };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
