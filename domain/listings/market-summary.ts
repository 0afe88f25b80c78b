import { median } from './pricing';

export interface PriceObservation {
  advertId: string;
  price: number;
  observedAt: Date;
}

export interface MarketSummary {
  sampleSize: number;
  minPrice: number | null;
  maxPrice: number | null;
  medianPrice: number | null;
  /** Mean relative change between each listing's first and latest recorded price. */
  trendPct: number | null;
  trend: 'rising' | 'falling' | 'stable' | 'unknown';
  /** 0–1: grows with the sample (full at 30 cars) and with how many listings have a price history. */
  confidence: number;
}

const FULL_SAMPLE = 30;
const STABLE_BAND = 0.01;

/** One model's market: price spread, median, trend from price history, and how far to trust it. */
export function summariseMarket(prices: readonly number[], history: readonly PriceObservation[]): MarketSummary {
  const sorted = [...prices].sort((a, b) => a - b);
  const byAdvert = new Map<string, PriceObservation[]>();
  for (const observation of history) {
    const list = byAdvert.get(observation.advertId) ?? [];
    list.push(observation);
    byAdvert.set(observation.advertId, list);
  }
  const changes: number[] = [];
  for (const observations of byAdvert.values()) {
    if (observations.length < 2) continue;
    observations.sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime());
    const first = observations[0]!.price;
    const last = observations[observations.length - 1]!.price;
    if (first > 0) changes.push(last / first - 1);
  }
  const trendPct = changes.length > 0 ? changes.reduce((s, c) => s + c, 0) / changes.length : null;
  const trend =
    trendPct === null ? 'unknown' : trendPct > STABLE_BAND ? 'rising' : trendPct < -STABLE_BAND ? 'falling' : 'stable';
  const sizeFactor = Math.min(1, sorted.length / FULL_SAMPLE);
  const historyFactor = sorted.length > 0 ? 0.5 + 0.5 * Math.min(1, changes.length / sorted.length) : 0;
  return {
    sampleSize: sorted.length,
    minPrice: sorted[0] ?? null,
    maxPrice: sorted[sorted.length - 1] ?? null,
    medianPrice: sorted.length > 0 ? median(sorted) : null,
    trendPct: trendPct === null ? null : Math.round(trendPct * 10_000) / 10_000,
    trend,
    confidence: Math.round(sizeFactor * historyFactor * 1000) / 1000,
  };
}
