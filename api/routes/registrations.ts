import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Context } from 'hono';
import { deleteReports, type LeaseExpiryReport, latestReport, reportById } from '../../activities/registrations/report-repository';
import { KNOWN_BRANDS, normaliseBrands } from '../../domain/registrations/brands';
import { resolveVoivodeship, VOIVODESHIPS, asciiFold, type Voivodeship } from '../../domain/registrations/voivodeships';
import { type DateWindow, leaseExpiryWindow } from '../../domain/registrations/windows';
import { PullKindAttribute, RegionAttribute, SourceAttribute } from '../../platform/search-attributes';
import { LEASE_EXPIRY_WORKFLOW_ID_PATTERN, leaseExpiryWorkflowId } from '../../workflows/registrations/ids';
import type { cepikLeaseExpiryReportWorkflow, LeaseExpiryReportResult } from '../../workflows/registrations/lease-expiry-report';
import type { ApiDependencies, AppEnv } from '../dependencies';
import { errorResponses, fail, ok, okWithStatus, successEnvelope } from '../envelope';

/** A report request after validation: what the cache is keyed by, and whether to bypass it. */
export interface ReportRequest {
  region: Voivodeship;
  monthsBack: number;
  windowMonths: number;
  brands: string[];
  refresh: boolean;
}

export type ReportOutcome =
  | { kind: 'report'; report: LeaseExpiryReport; stale: boolean; ageSeconds: number }
  | { kind: 'pending'; jobId: string }
  | { kind: 'failed'; jobId: string; message: string }
  | { kind: 'unavailable'; message: string };

const START_DEADLINE_MS = 5_000;

const ageInSeconds = (report: LeaseExpiryReport) => Math.max(0, Math.round((Date.now() - report.fetchedAt.getTime()) / 1000));

/**
 * Cache first (a report younger than the TTL never touches CEPiK), else one shared workflow run per
 * region, window and brands, awaited for a bounded time; when the pull fails the newest older report
 * is served marked stale.
 */
export async function leaseExpiryReport(
  deps: Pick<ApiDependencies, 'db' | 'settings' | 'temporal' | 'queues'>,
  request: ReportRequest,
): Promise<ReportOutcome> {
  const { db, settings, temporal, queues } = deps;
  const key = { regionCode: request.region.code, monthsBack: request.monthsBack, windowMonths: request.windowMonths, brands: request.brands };
  if (!request.refresh) {
    const cached = await latestReport(db, key);
    if (cached && ageInSeconds(cached) < settings.CEPIK_REPORT_TTL_HOURS * 3600) {
      return { kind: 'report', report: cached, stale: false, ageSeconds: ageInSeconds(cached) };
    }
  }
  const window = leaseExpiryWindow(new Date(), request.monthsBack, request.windowMonths);
  const jobId = leaseExpiryWorkflowId(request.region.code, window, request.brands);
  const staleOr = async (otherwise: ReportOutcome): Promise<ReportOutcome> => {
    const fallback = await latestReport(db, key);
    return fallback ? { kind: 'report', report: fallback, stale: true, ageSeconds: ageInSeconds(fallback) } : otherwise;
  };
  let handle;
  try {
    handle = await startReportWorkflow(temporal, queues, settings, request, window, jobId);
  } catch (error) {
    // Temporal itself is unreachable: the cached report is still better than nothing.
    return staleOr({ kind: 'unavailable', message: `cannot start the pull: ${error instanceof Error ? error.message : String(error)}` });
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), settings.CEPIK_REPORT_WAIT_SECONDS * 1000);
  });
  try {
    const result = await Promise.race([handle.result(), timedOut]);
    if (result === 'timeout') return { kind: 'pending', jobId };
    const report = await reportById(db, result.reportId);
    if (!report) return { kind: 'failed', jobId, message: `report ${result.reportId} was removed` };
    return { kind: 'report', report, stale: false, ageSeconds: ageInSeconds(report) };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    return staleOr({ kind: 'failed', jobId, message: describeFailure(error) });
  } finally {
    clearTimeout(timer);
  }
}

function startReportWorkflow(
  temporal: ApiDependencies['temporal'],
  queues: ApiDependencies['queues'],
  settings: ApiDependencies['settings'],
  request: ReportRequest,
  window: DateWindow,
  jobId: string,
) {
  // Bounded: with Temporal down the client would otherwise retry for about 20 s before giving up.
  return temporal.withDeadline(Date.now() + START_DEADLINE_MS, () => temporal.workflow.start<typeof cepikLeaseExpiryReportWorkflow>('cepikLeaseExpiryReportWorkflow', {
    workflowId: jobId,
    taskQueue: queues.workflows,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [
      {
        regionCode: request.region.code,
        monthsBack: request.monthsBack,
        windowMonths: request.windowMonths,
        brands: request.brands,
        window,
        brandConcurrency: settings.CEPIK_BRAND_CONCURRENCY,
        maxAttempts: settings.CEPIK_PULL_MAX_ATTEMPTS,
      },
    ],
    typedSearchAttributes: [
      { key: SourceAttribute, value: 'cepik' },
      { key: RegionAttribute, value: request.region.code },
      { key: PullKindAttribute, value: 'lease-expiry' },
    ],
  }));
}

function describeFailure(error: WorkflowFailedError): string {
  let cause: Error | undefined = error;
  while (cause?.cause instanceof Error) cause = cause.cause;
  return `CEPiK pull failed: ${cause?.message ?? error.message}`;
}

/** Validates region, months_back and brands into a request, or names what is wrong. */
export function parseReportRequest(
  query: { region: string; months_back?: number; window_months?: number; brands?: string; refresh?: string },
  settings: ApiDependencies['settings'],
): { ok: true; request: ReportRequest } | { ok: false; message: string } {
  const region = resolveVoivodeship(query.region);
  if (!region) {
    return { ok: false, message: `region: unknown voivodeship '${query.region}'; use a code 02…32 or a name such as 24, slaskie or ŚLĄSKIE (GET /api/regions lists them)` };
  }
  const { brands, unknown } = normaliseBrands(query.brands ? query.brands.split(',') : settings.CEPIK_DEFAULT_BRANDS);
  if (unknown.length > 0) return { ok: false, message: `brands: unknown brand ${unknown.join(', ')}; known brands: ${[...KNOWN_BRANDS].join(', ')}` };
  if (brands.length === 0) return { ok: false, message: 'brands: name at least one brand' };
  return {
    ok: true,
    request: {
      region,
      monthsBack: query.months_back ?? settings.CEPIK_MONTHS_BACK,
      windowMonths: query.window_months ?? settings.CEPIK_WINDOW_MONTHS,
      brands,
      refresh: query.refresh === 'true' || query.refresh === '1',
    },
  };
}

export const reportQuerySchema = z.object({
  region: z.string().min(1).openapi({ example: '24', description: 'Voivodeship code (02…32) or name, with or without diacritics' }),
  months_back: z.coerce.number().int().min(1).max(360).optional().openapi({ description: 'How many months ago the window ends (default 36)' }),
  window_months: z.coerce.number().int().min(1).max(120).optional().openapi({ description: 'Window length in months (default 2)' }),
  brands: z.string().optional().openapi({ example: 'TESLA,BMW,MERCEDES-BENZ,AUDI,VOLVO' }),
  refresh: z.enum(['true', 'false', '1', '0']).optional().openapi({ description: 'true: pull from CEPiK even when a fresh report is cached' }),
});

const windowSchema = z.object({ from: z.string(), to: z.string() });
const reportMetaSchema = z.object({
  region: z.object({ code: z.string(), name: z.string() }),
  window: windowSchema,
  brands: z.array(z.string()),
  fetched_at: z.string(),
  stale: z.boolean(),
  age_seconds: z.number(),
  report_id: z.number(),
});
const pendingSchema = z.object({ job_id: z.string(), status: z.literal('RUNNING'), poll: z.string() }).openapi('RegistrationJobPending');

/** The 202 answer of a report route whose pull outlasts the wait, and the errors such a route can give. */
export const pendingReportResponses = {
  202: { description: 'Still pulling: poll the job', content: { 'application/json': { schema: successEnvelope(pendingSchema) } } },
  ...errorResponses(400, 401, 502, 503),
};

export function reportMeta(outcome: Extract<ReportOutcome, { kind: 'report' }>) {
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

export const pendingBody = (jobId: string) => ({ job_id: jobId, status: 'RUNNING' as const, poll: `/api/registrations/jobs/${encodeURIComponent(jobId)}` });

/** Counts in the order the brands were asked for (PostgreSQL's JSONB keeps its own key order), then TOTAL. */
export function countsInOrder(report: LeaseExpiryReport, brands: readonly string[] = report.brands): Record<string, number> {
  return { ...Object.fromEntries(brands.map((brand) => [brand, report.counts[brand] ?? 0])), TOTAL: report.total };
}

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
    200: {
      description: 'Code, name and ASCII name',
      content: { 'application/json': { schema: successEnvelope(z.array(z.object({ code: z.string(), name: z.string(), ascii_name: z.string() }))) } },
    },
    ...errorResponses(401),
  },
});

const clearCacheRoute = createRoute({
  method: 'delete',
  path: '/api/registrations/cache',
  tags: ['Registrations'],
  summary: 'Remove cached lease-expiry reports (of one region, or all); the next request pulls again',
  request: { query: z.object({ region: z.string().optional() }) },
  responses: {
    200: { description: 'How many reports were removed', content: { 'application/json': { schema: successEnvelope(z.object({ deleted: z.number() })) } } },
    ...errorResponses(400, 401),
  },
});

const jobRoute = createRoute({
  method: 'get',
  path: '/api/registrations/jobs/{id}',
  tags: ['Registrations'],
  summary: 'Status of a lease-expiry pull and, once complete, its counts',
  request: { params: z.object({ id: z.string().regex(LEASE_EXPIRY_WORKFLOW_ID_PATTERN, 'not a lease-expiry job id (cepik-lease-expiry:…)') }) },
  responses: {
    200: {
      description: 'The job',
      content: {
        'application/json': {
          schema: successEnvelope(
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
        },
      },
    },
    ...errorResponses(400, 401, 404),
  },
});

/** The answer when no report can be served yet: 202 with the job to poll, 502 when the pull failed, 503 without Temporal. */
export function answerWithoutReport(c: Context, outcome: Exclude<ReportOutcome, { kind: 'report' }>) {
  switch (outcome.kind) {
    case 'pending':
      return okWithStatus(c, pendingBody(outcome.jobId), 202);
    case 'failed':
      return fail(c, 502, 'UPSTREAM_ERROR', outcome.message, { job_id: outcome.jobId });
    case 'unavailable':
      return fail(c, 503, 'UNAVAILABLE', outcome.message);
  }
}

export function registerRegistrationRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(leaseExpiryRoute, async (c) => {
    const deps = c.get('deps');
    const parsed = parseReportRequest(c.req.valid('query'), deps.settings);
    if (!parsed.ok) return fail(c, 400, 'VALIDATION_ERROR', parsed.message);
    const outcome = await leaseExpiryReport(deps, parsed.request);
    if (outcome.kind !== 'report') return answerWithoutReport(c, outcome);
    return c.json({ success: true as const, data: countsInOrder(outcome.report, parsed.request.brands), meta: reportMeta(outcome), error: null }, 200);
  });

  app.openapi(regionsRoute, (c) =>
    ok(c, VOIVODESHIPS.map((v) => ({ code: v.code, name: v.name, ascii_name: asciiFold(v.name) }))),
  );

  app.openapi(clearCacheRoute, async (c) => {
    const { region } = c.req.valid('query');
    const voivodeship = region === undefined ? undefined : resolveVoivodeship(region);
    if (region !== undefined && !voivodeship) return fail(c, 400, 'VALIDATION_ERROR', `region: unknown voivodeship '${region}'`);
    return ok(c, { deleted: await deleteReports(c.get('deps').db, voivodeship?.code) });
  });

  app.openapi(jobRoute, async (c) => {
    const { temporal, db } = c.get('deps');
    const { id } = c.req.valid('param');
    const handle = temporal.workflow.getHandle(id);
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return fail(c, 404, 'NOT_FOUND', `no job ${id}`);
      throw error;
    }
    const base = {
      job_id: id,
      status: description.status.name,
      started_at: description.startTime.toISOString(),
      closed_at: description.closeTime?.toISOString() ?? null,
      counts: null as Record<string, number> | null,
      pages: null as number | null,
      window: null as { from: string; to: string } | null,
      error: null as string | null,
    };
    if (description.status.name === 'COMPLETED') {
      const result = (await handle.result()) as LeaseExpiryReportResult;
      const report = await reportById(db, result.reportId);
      return ok(c, { ...base, counts: report ? countsInOrder(report) : null, pages: result.pages, window: result.window });
    }
    if (description.status.name === 'FAILED') {
      const failure = await handle.result().then(
        () => null,
        (error: unknown) => (error instanceof WorkflowFailedError ? describeFailure(error) : String(error)),
      );
      return ok(c, { ...base, error: failure });
    }
    return ok(c, base);
  });
}
