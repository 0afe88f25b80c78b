import { leaseExpiryReport } from '../api/routes/registrations';
import { buildOpportunity } from '../domain/registrations/opportunity';
import { resolveVoivodeship } from '../domain/registrations/voivodeships';
import type { SandboxSeeder } from './seed-demo';

/** Runs the Śląskie lease-expiry report against the simulator, so `GET /api/opportunity?region=24` answers at once. */
export const cepikSandboxSeeder: SandboxSeeder = {
  name: 'cepik',
  async seed(context) {
    const region = resolveVoivodeship('24')!;
    const outcome = await leaseExpiryReport(context, {
      region,
      monthsBack: context.settings.CEPIK_MONTHS_BACK,
      windowMonths: context.settings.CEPIK_WINDOW_MONTHS,
      brands: [...context.settings.CEPIK_DEFAULT_BRANDS],
      refresh: false,
    });
    if (outcome.kind === 'pending') return `Śląskie lease-expiry report still pulling: job ${outcome.jobId}`;
    if (outcome.kind === 'failed' || outcome.kind === 'unavailable') throw new Error(outcome.message);
    const { report } = outcome;
    const opportunity = buildOpportunity({ counts: report.counts, region: report.region, window: report.window, fetchedAt: report.fetchedAt, stale: outcome.stale });
    return `${opportunity.insight} (score ${opportunity.opportunity_score}, report ${report.id})`;
  },
};
