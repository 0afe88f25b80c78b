import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LeaseExpiryReport, ReportOutcome } from '../../services/registrations/lease-expiry-reports';
import type { ReportQuery } from '../../services/registrations/report-request';
import { errorResponses, jsonContent, okWithStatus, successEnvelope } from '../envelope';

/** The query of the report routes (lease-expiry counts and opportunity). */
export const reportQuerySchema = z.object({
  region: z.string().min(1).openapi({ example: '24', description: 'Voivodeship code (02…32) or name, with or without diacritics' }),
  months_back: z.coerce.number().int().min(1).max(360).optional().openapi({ description: 'How many months ago the window ends (default 36)' }),
  window_months: z.coerce.number().int().min(1).max(120).optional().openapi({ description: 'Window length in months (default 2)' }),
  brands: z.string().optional().openapi({ example: 'TESLA,BMW,MERCEDES-BENZ,AUDI,VOLVO' }),
  refresh: z.enum(['true', 'false', '1', '0']).optional().openapi({ description: 'true: pull from CEPiK even when a fresh report is cached' }),
});

export function reportQueryOf(query: z.infer<typeof reportQuerySchema>): ReportQuery {
  return {
    region: query.region,
    monthsBack: query.months_back,
    windowMonths: query.window_months,
    brands: query.brands ? query.brands.split(',') : undefined,
    refresh: query.refresh === 'true' || query.refresh === '1',
  };
}

export const windowSchema = z.object({ from: z.string(), to: z.string() });

const pendingSchema = z.object({ job_id: z.string(), status: z.literal('RUNNING'), poll: z.string() }).openapi('RegistrationJobPending');

/** The 202 answer of a report route whose pull outlasts the wait, and the errors such a route can give. */
export const pendingReportResponses = {
  202: { description: 'Still pulling: poll the job', ...jsonContent(successEnvelope(pendingSchema)) },
  ...errorResponses(400, 401, 502, 503),
};

/** 202 with the job to poll. */
export const answerPending = (c: Context, jobId: string) =>
  okWithStatus(c, { job_id: jobId, status: 'RUNNING' as const, poll: `/api/registrations/jobs/${encodeURIComponent(jobId)}` }, 202);

type ServedReport = Extract<ReportOutcome, { kind: 'report' }>;

export function reportMeta(outcome: ServedReport) {
  const { report } = outcome;
  return {
    region: report.region,
    window: report.window,
    brands: report.brands,
    fetched_at: report.fetchedAt.toISOString(),
    stale: outcome.stale,
    age_seconds: outcome.ageSeconds,
    report_id: report.id,
  };
}

/** Counts in the order the brands were asked for (PostgreSQL's JSONB keeps its own key order), then TOTAL. */
export function countsInOrder(report: LeaseExpiryReport, brands: readonly string[] = report.brands): Record<string, number> {
  return { ...Object.fromEntries(brands.map((brand) => [brand, report.counts[brand] ?? 0])), TOTAL: report.total };
}
