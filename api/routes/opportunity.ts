import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { buildOpportunity } from '../../domain/registrations/opportunity';
import { salesHooks } from '../../domain/registrations/sales-context';
import type { AppEnv } from '../dependencies';
import { fail, ok, successEnvelope } from '../envelope';
import { answerWithoutReport, countsInOrder, leaseExpiryReport, type ReportOutcome, parseReportRequest, pendingReportResponses, reportQuerySchema } from './registrations';

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
    region: z.string().min(1).openapi({ example: 'slaskie' }),
    monthly_fuel_cost: z.number().min(0).max(100_000).openapi({ example: 900, description: 'PLN per month' }),
    current_car_value: z.number().min(0).max(10_000_000).openapi({ example: 85_000, description: 'PLN' }),
    annual_tax: z.number().min(0).max(1_000_000).openapi({ example: 2_400, description: 'PLN per year of car taxes and charges' }),
    has_family_card: z.boolean().openapi({ description: 'Holds a Karta Dużej Rodziny' }),
    months_back: z.number().int().min(1).max(360).optional(),
  })
  .openapi('SalesContextRequest');

const opportunityRoute = createRoute({
  method: 'get',
  path: '/api/opportunity',
  tags: ['Registrations'],
  summary: 'Opportunity score of a voivodeship from its expiring premium leases',
  request: { query: reportQuerySchema },
  responses: {
    200: { description: 'Score, urgency, insight, competitor breakdown', content: { 'application/json': { schema: successEnvelope(opportunitySchema) } } },
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
    200: {
      description: 'Opportunity and hooks, most valuable first',
      content: { 'application/json': { schema: successEnvelope(z.object({ opportunity: opportunitySchema, hooks: z.array(hookSchema) })) } },
    },
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

export function registerOpportunityRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(opportunityRoute, async (c) => {
    const deps = c.get('deps');
    const parsed = parseReportRequest(c.req.valid('query'), deps.settings);
    if (!parsed.ok) return fail(c, 400, 'VALIDATION_ERROR', parsed.message);
    const outcome = await leaseExpiryReport(deps, parsed.request);
    if (outcome.kind !== 'report') return answerWithoutReport(c, outcome);
    return ok(c, opportunityOf(outcome, parsed.request.brands));
  });

  app.openapi(contextRoute, async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const parsed = parseReportRequest({ region: body.region, months_back: body.months_back }, deps.settings);
    if (!parsed.ok) return fail(c, 400, 'VALIDATION_ERROR', parsed.message);
    const outcome = await leaseExpiryReport(deps, parsed.request);
    if (outcome.kind !== 'report') return answerWithoutReport(c, outcome);
    const opportunity = opportunityOf(outcome, parsed.request.brands);
    return ok(c, { opportunity, hooks: salesHooks(body, opportunity) });
  });
}
