import { createRoute, z } from '@hono/zod-openapi';
import { asciiFold, VOIVODESHIPS } from '../../domain/registrations/voivodeships';
import { clearCachedReports, leaseExpiryReport } from '../../services/registrations/lease-expiry-reports';
import { REPORT_JOB_ID_PATTERN, reportJob } from '../../services/registrations/report-jobs';
import { parseReportRequest } from '../../services/registrations/report-request';
import { errorResponses, ok, successEnvelope, successResponse } from '../envelope';
import { createRouter, type Router } from '../router';
import { answerPending, countsInOrder, pendingReportResponses, regionSchema, reportMeta, reportQueryOf, reportQuerySchema, windowSchema } from './registration-responses';

const reportMetaSchema = z.object({
  region: z.object({ code: z.string(), name: z.string() }),
  window: windowSchema,
  brands: z.array(z.string()),
  fetched_at: z.string(),
  stale: z.boolean(),
  age_seconds: z.number(),
  report_id: z.number(),
});

const leaseExpiryRoute = createRoute({
  method: 'get',
  path: '/api/registrations/lease-expiry',
  tags: ['Registrations'],
  summary: 'Premium cars first registered about months_back months ago in a voivodeship, per brand (leases expiring now)',
  request: { query: reportQuerySchema },
  responses: {
    200: {
      description: 'Counts per brand and TOTAL; meta says the window, when it was fetched and whether it is stale',
      content: {
        'application/json': {
          schema: successEnvelope(z.record(z.string(), z.number())).extend({ meta: reportMetaSchema }).openapi('LeaseExpiryCounts'),
        },
      },
    },
    ...pendingReportResponses,
  },
});

const regionsRoute = createRoute({
  method: 'get',
  path: '/api/regions',
  tags: ['Registrations'],
  summary: 'The 16 voivodeships a report can be asked for',
  responses: {
    200: successResponse('Code, name and ASCII name', z.array(z.object({ code: z.string(), name: z.string(), ascii_name: z.string() }))),
    ...errorResponses(401),
  },
});

const clearCacheRoute = createRoute({
  method: 'delete',
  path: '/api/registrations/cache',
  tags: ['Registrations'],
  summary: 'Remove cached lease-expiry reports (of one region, or all); the next request pulls again',
  request: { query: z.object({ region: regionSchema().optional() }) },
  responses: {
    200: successResponse('How many reports were removed', z.object({ deleted: z.number() })),
    ...errorResponses(400, 401),
  },
});

const jobRoute = createRoute({
  method: 'get',
  path: '/api/registrations/jobs/{id}',
  tags: ['Registrations'],
  summary: 'Status of a lease-expiry pull and, once complete, its counts',
  request: { params: z.object({ id: z.string().regex(REPORT_JOB_ID_PATTERN, 'not a lease-expiry job id (cepik-lease-expiry:…)') }) },
  responses: {
    200: successResponse(
      'The job',
      z.object({
        job_id: z.string(),
        status: z.string(),
        started_at: z.string(),
        closed_at: z.string().nullable(),
        counts: z.record(z.string(), z.number()).nullable(),
        pages: z.number().nullable(),
        window: windowSchema.nullable(),
        error: z.string().nullable(),
      }),
    ),
    ...errorResponses(400, 401, 404),
  },
});

/** The registrations routes, as a sub-app joined into the API by `api/app.ts`. */
export function registrationRoutes(): Router {
  const app = createRouter();
  app.openapi(leaseExpiryRoute, async (c) => {
    const deps = c.get('deps');
    const request = parseReportRequest(reportQueryOf(c.req.valid('query')), deps.settings);
    const outcome = await leaseExpiryReport(deps, request);
    if (outcome.kind === 'pending') return answerPending(c, outcome.jobId);
    return c.json({ success: true as const, data: countsInOrder(outcome.report, request.brands), meta: reportMeta(outcome), error: null }, 200);
  });

  app.openapi(regionsRoute, (c) =>
    ok(c, VOIVODESHIPS.map((v) => ({ code: v.code, name: v.name, ascii_name: asciiFold(v.name) }))),
  );

  app.openapi(clearCacheRoute, async (c) => ok(c, { deleted: await clearCachedReports(c.get('deps'), c.req.valid('query').region) }));

  app.openapi(jobRoute, async (c) => {
    const job = await reportJob(c.get('deps'), c.req.valid('param').id);
    return ok(c, {
      job_id: job.jobId,
      status: job.status,
      started_at: job.startedAt.toISOString(),
      closed_at: job.closedAt?.toISOString() ?? null,
      counts: job.completed?.report ? countsInOrder(job.completed.report) : null,
      pages: job.completed?.pages ?? null,
      window: job.completed?.window ?? null,
      error: job.failure ?? null,
    });
  });
  return app;
}
