export type DealRating = 'excellent' | 'good' | 'negotiation' | 'reject';
export const DEAL_RATINGS: readonly DealRating[] = ['excellent', 'good', 'negotiation', 'reject'];

/** (estimated value − price) / price */
export function profitMargin(estimatedValue: number, price: number): number {
  if (price <= 0) throw new RangeError(`price must be positive, got ${price}`);
  return (estimatedValue - price) / price;
}

/** excellent ≥ 15 %, good 10–15 %, negotiation 5–10 %, reject < 5 %. */
export function rateDeal(margin: number): DealRating {
  if (margin >= 0.15) return 'excellent';
  if (margin >= 0.1) return 'good';
  if (margin >= 0.05) return 'negotiation';
  return 'reject';
}

/** A listing this far under its estimated value raises an alert (strictly above the threshold, 20 % by default). */
export function raisesAlert(margin: number, threshold = 0.2): boolean {
  return margin > threshold;
}
