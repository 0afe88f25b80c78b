import type { DateWindow } from './windows';

export type UrgencyLevel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'MODERATE' | 'LOW';

/** Thresholds on the total of expiring leases, strictly greater than, highest first. */
const SCORE_BANDS: ReadonlyArray<{ above: number; score: number; urgency: UrgencyLevel }> = [
  { above: 1000, score: 100, urgency: 'CRITICAL' },
  { above: 500, score: 85, urgency: 'HIGH' },
  { above: 250, score: 65, urgency: 'MEDIUM' },
  { above: 100, score: 45, urgency: 'MODERATE' },
];
const LOWEST_BAND = { score: 25, urgency: 'LOW' as const };

export function opportunityScore(totalExpiringLeases: number): { score: number; urgency: UrgencyLevel } {
  const band = SCORE_BANDS.find((candidate) => totalExpiringLeases > candidate.above) ?? LOWEST_BAND;
  return { score: band.score, urgency: band.urgency };
}

/** "377 premium car leases expiring in ŚLĄSKIE - medium sales opportunity". */
export function opportunityInsight(totalExpiringLeases: number, regionName: string, urgency: UrgencyLevel): string {
  return `${totalExpiringLeases} premium car leases expiring in ${regionName} - ${urgency.toLowerCase()} sales opportunity`;
}

/** The brand being sold; every other brand in a report is a competitor. */
export const OWN_BRAND = 'TESLA';

export interface Opportunity {
  total_expiring_leases: number;
  competitor_breakdown: Record<string, number>;
  tesla_count: number;
  opportunity_score: number;
  urgency_level: UrgencyLevel;
  insight: string;
  region: { code: string; name: string };
  window: DateWindow;
  fetched_at: string;
  stale: boolean;
}

export function buildOpportunity(report: {
  counts: Record<string, number>;
  region: { code: string; name: string };
  window: DateWindow;
  fetchedAt: Date;
  stale: boolean;
}): Opportunity {
  const total = Object.values(report.counts).reduce((sum, count) => sum + count, 0);
  const { score, urgency } = opportunityScore(total);
  const competitors = Object.fromEntries(Object.entries(report.counts).filter(([brand]) => brand !== OWN_BRAND));
  return {
    total_expiring_leases: total,
    competitor_breakdown: competitors,
    tesla_count: report.counts[OWN_BRAND] ?? 0,
    opportunity_score: score,
    urgency_level: urgency,
    insight: opportunityInsight(total, report.region.name, urgency),
    region: report.region,
    window: report.window,
    fetched_at: report.fetchedAt.toISOString(),
    stale: report.stale,
  };
}
