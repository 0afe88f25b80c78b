/** The parts of a listing the pricing compares. */
export interface PricedCar {
  id: string;
  year: number;
  mileage: number;
  price: number;
  /** The card subtitle, e.g. "1.0 EcoBoost Titanium 5dr": engine, trim, doors. */
  spec: string | null;
}

export const SIMILARITY_WEIGHTS = { year: 0.4, mileage: 0.4, spec: 0.2 } as const;

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

export function specTokens(spec: string | null): Set<string> {
  return new Set(
    (spec ?? '')
      .toLowerCase()
      .split(/[\s,()/]+/)
      .filter((token) => token.length > 0),
  );
}

/** Share of spec tokens two subtitles have in common (Jaccard index); 0.5 when either is unknown. */
export function specMatchScore(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0.5;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** 0.4·(1 − |Δyear|/10) + 0.4·(1 − |Δmileage|/100000) + 0.2·spec match, each part clamped to [0, 1]. */
export function similarity(
  target: Pick<PricedCar, 'year' | 'mileage'>,
  other: Pick<PricedCar, 'year' | 'mileage'>,
  specMatch: number,
): number {
  const yearScore = clamp01(1 - Math.abs(target.year - other.year) / 10);
  const mileageScore = clamp01(1 - Math.abs(target.mileage - other.mileage) / 100_000);
  return SIMILARITY_WEIGHTS.year * yearScore + SIMILARITY_WEIGHTS.mileage * mileageScore + SIMILARITY_WEIGHTS.spec * clamp01(specMatch);
}
