import { median } from 'simple-statistics';
import type { DailyMedian } from './market-summary';

/** When a listing already seen is now cheaper enough to tell the dealer: either threshold suffices. */
export interface PriceDropThresholds {
  /** Share of the previous price, e.g. 0.05. */
  minShare: number;
  /** Pounds. */
  minAmount: number;
}

/** The drop from the previous recorded price to the current one, when it reaches either threshold; null otherwise. */
export function priceDrop(previous: number, current: number, thresholds: PriceDropThresholds): { amount: number; share: number } | null {
  const amount = previous - current;
  if (amount <= 0 || previous <= 0) return null;
  const share = amount / previous;
  return share >= thresholds.minShare || amount >= thresholds.minAmount ? { amount, share: Math.round(share * 10_000) / 10_000 } : null;
}

/** The model's median moved by more than `threshold` (relative) since the latest earlier day; null otherwise. */
export function medianShift(previous: DailyMedian | null, today: DailyMedian, threshold: number): { change: number } | null {
  if (!previous || previous.medianPrice <= 0 || previous.day >= today.day) return null;
  // Rounded to basis points first, so a move of exactly the threshold does not pass it by a float's error.
  const change = Math.round((today.medianPrice / previous.medianPrice - 1) * 10_000) / 10_000;
  return Math.abs(change) > threshold ? { change } : null;
}

/** Runs of the model a shortfall is judged against: at least this many earlier successful ones. */
export const MIN_USUAL_RUNS = 3;

/**
 * A scrape found far fewer listings than usual: fewer than `share` of the median of the model's
 * recent successful runs (at least MIN_USUAL_RUNS of them). Null when it did not, or there is no usual yet.
 */
export function scrapeShortfall(seen: number, recentRuns: readonly number[], share: number): { usual: number } | null {
  if (recentRuns.length < MIN_USUAL_RUNS) return null;
  const usual = median([...recentRuns]);
  return seen < share * usual ? { usual } : null;
}
