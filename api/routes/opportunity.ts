import { createRoute, z } from '@hono/zod-openapi';
import { buildOpportunity } from '../../domain/registrations/opportunity';
import { salesHooks } from '../../domain/registrations/sales-context';
import { leaseExpiryReport, type ReportOutcome } from '../../services/registrations/lease-expiry-reports';
import { parseReportRequest } from '../../services/registrations/report-request';
import { ok, successResponse } from '../envelope';
import { boundedInteger } from '../input-schemas';
import { createRouter, type Router } from '../router';
import { answerPending, countsInOrder, pendingReportResponses, regionSchema, reportQueryOf, reportQuerySchema } from './registration-responses';

const opportunitySchema = z
  .object({
    total_expiring_leases: z.number(),
    competitor_breakdown: z.record(z.string(), z.number()),
    tesla_count: z.number(),
    opportunity_score: z.number(),
    urgency_level: z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'MODERATE', 'LOW']),
    insight: z.string(),
    region: z.object({ code: z.string(), name: z.string() }),
    window: z.object({ from: z.string(), to: z.string() }),
    fetched_at: z.string(),
    stale: z.boolean(),
    age_seconds: z.number(),
  })
  .openapi('Opportunity');

const hookSchema = z.object({
  rule: z.enum(['FUEL_SAVINGS', 'TRADE_IN', 'TAX_EXPOSURE', 'EV_SUBSIDY', 'MARKET_TIMING']),
  headline: z.string(),
  value_pln: z.number().nullable(),
});

const contextRequest = z
  .strictObject({
    region: regionSchema().openapi({ example: 'SLASKIE' }),
    monthly_fuel_cost: z.number().min(0).max(100_000).openapi({ example: 900, description: 'PLN per month' }),
    current_car_value: z.number().min(0).max(10_000_000).openapi({ example: 85_000, description: 'PLN' }),
    annual_tax: z.number().min(0).max(1_000_000).openapi({ example: 2_400, description: 'PLN per year of car taxes and charges' }),
    has_family_card: z.boolean().openapi({ description: 'Holds a Karta Dużej Rodziny' }),
    months_back: boundedInteger({ min: 1, max: 360 }).optional(),
  })
  .openapi('SalesContextRequest');

const opportunityRoute = createRoute({
  method: 'get',
  path: '/api/opportunity',
  tags: ['Registrations'],
  summary: 'Opportunity score of a voivodeship from its expiring premium leases',
  request: { query: reportQuerySchema },
  responses: {
    200: successResponse('Score, urgency, insight, competitor breakdown', opportunitySchema),
    ...pendingReportResponses,
  },
});

const contextRoute = createRoute({
  method: 'post',
  path: '/api/opportunity/context',
  tags: ['Registrations'],
  summary: "The region's opportunity plus sales hooks for one prospect (rules in docs/registrations.md)",
  request: { body: { required: true, content: { 'application/json': { schema: contextRequest } } } },
  responses: {
    200: successResponse('Opportunity and hooks, most valuable first', z.object({ opportunity: opportunitySchema, hooks: z.array(hookSchema) })),
    ...pendingReportResponses,
  },
});

function opportunityOf(outcome: Extract<ReportOutcome, { kind: 'report' }>, brands: readonly string[]) {
  const { report } = outcome;
  const { TOTAL: _total, ...counts } = countsInOrder(report, brands);
  return {
    ...buildOpportunity({ counts, region: report.region, window: report.window, fetchedAt: report.fetchedAt, stale: outcome.stale }),
    age_seconds: outcome.ageSeconds,
  };
}

/** The opportunity routes, as a sub-app joined into the API by `api/app.ts`. */
export function opportunityRoutes(): Router {
  const app = createRouter();
  app.openapi(opportunityRoute, async (c) => {
    const deps = c.get('deps');
    const request = parseReportRequest(reportQueryOf(c.req.valid('query')), deps.settings);
    const outcome = await leaseExpiryReport(deps, request);
    if (outcome.kind === 'pending') return answerPending(c, outcome.jobId);
    return ok(c, opportunityOf(outcome, request.brands));
  });

  app.openapi(contextRoute, async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const request = parseReportRequest({ region: body.region, monthsBack: body.months_back }, deps.settings);
    const outcome = await leaseExpiryReport(deps, request);
    if (outcome.kind === 'pending') return answerPending(c, outcome.jobId);
    const opportunity = opportunityOf(outcome, request.brands);
    return ok(c, { opportunity, hooks: salesHooks(body, opportunity) });
  });
  return app;
}
