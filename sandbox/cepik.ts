import { buildOpportunity } from '../domain/registrations/opportunity';
import { leaseExpiryReport } from '../services/registrations/lease-expiry-reports';
import { parseReportRequest } from '../services/registrations/report-request';
import type { SandboxSeeder } from './seed-demo';

/** Runs the Śląskie lease-expiry report against the simulator, so `GET /api/opportunity?region=24` answers at once. */
export const cepikSandboxSeeder: SandboxSeeder = {
  name: 'cepik',
  async seed(context) {
    // A failed pull or an unreachable Temporal throws (UpstreamError, UnavailableError) and names why.
    const outcome = await leaseExpiryReport(context, parseReportRequest({ region: '24' }, context.settings));
    if (outcome.kind === 'pending') return `Śląskie lease-expiry report still pulling: job ${outcome.jobId}`;
    const { report } = outcome;
    const opportunity = buildOpportunity({ counts: report.counts, region: report.region, window: report.window, fetchedAt: report.fetchedAt, stale: outcome.stale });
    return `${opportunity.insight} (score ${opportunity.opportunity_score}, report ${report.id})`;
  },
};
