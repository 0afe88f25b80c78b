import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { KNOWN_BRANDS } from '../../domain/registrations/brands';
import { asciiFold, VOIVODESHIPS } from '../../domain/registrations/voivodeships';
import type { LeaseExpiryReport, ReportOutcome } from '../../services/registrations/lease-expiry-reports';
import type { ReportQuery } from '../../services/registrations/report-request';
import { errorResponses, jsonContent, okWithStatus, successEnvelope } from '../envelope';
import { integerParameter } from '../input-schemas';

/**
 * A voivodeship as the report routes take it. The service resolves it (any letter case, diacritics
 * optional) and refuses an unknown one with 400; the document lists the canonical spellings.
 */
export const regionSchema = () =>
  z.string().openapi({
    enum: [...new Set(VOIVODESHIPS.flatMap((voivodeship) => [voivodeship.code, voivodeship.name, asciiFold(voivodeship.name)]))],
    example: '24',
    description: 'Voivodeship: its TERYT code (02, 04 … 32) or its name, in any letter case, with or without diacritics (GET /api/regions lists them)',
  });

/** The query of the report routes (lease-expiry counts and opportunity). */
export const reportQuerySchema = z.object({
  region: regionSchema(),
  months_back: integerParameter({ min: 1, max: 360 }).optional().openapi({ description: 'How many months ago the window ends (default 36)' }),
  window_months: integerParameter({ min: 1, max: 120 }).optional().openapi({ description: 'Window length in months (default 2)' }),
  brands: z
    .string()
    // Repeats count: more names than there are brands is refused, as the document's maxItems says.
    .refine((value) => value.split(',').length <= KNOWN_BRANDS.size, `name at most ${KNOWN_BRANDS.size} brands`)
    .optional()
    .openapi({
      type: 'array',
      items: { type: 'string', enum: [...KNOWN_BRANDS] },
      minItems: 1,
      maxItems: KNOWN_BRANDS.size,
      param: { style: 'form', explode: false },
      example: ['TESLA', 'BMW', 'MERCEDES-BENZ', 'AUDI', 'VOLVO'],
      description: 'Comma-separated CEPiK brands, in any letter case (default: the configured CEPIK_DEFAULT_BRANDS)',
    }),
  refresh: z.enum(['true', 'false', '1', '0']).optional().openapi({ description: 'true: pull from CEPiK even when a fresh report is cached' }),
});

export function reportQueryOf(query: z.infer<typeof reportQuerySchema>): ReportQuery {
  return {
    region: query.region,
    monthsBack: query.months_back,
    windowMonths: query.window_months,
    // `brands=` names no brand, which the service refuses, rather than meaning the default.
    brands: query.brands === undefined ? undefined : query.brands.split(','),
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
