import { createRoute, z } from '@hono/zod-openapi';
import { cancelPermitJob, deletePermitJob, getPermitJob, listPermitJobs, startPermitPull } from '../../services/permits/pull-jobs';
import { cursorParameter, errorResponses, jsonContent, listResponse, ok, okList, okWithStatus, successResponse } from '../envelope';
import { boundedInteger, idPath, integerParameter, trimmedText } from '../input-schemas';
import { isoDate, jobSchema, jobView } from './permits-shared';
import { createRouter, type Router } from '../router';

const jobRequest = z
  .discriminatedUnion('job_type', [
    z.strictObject({
      job_type: z.literal('initial_pull'),
      parameters: z.strictObject({ years: z.number().int().min(1).max(100).optional() }).default({}),
    }),
    z.strictObject({
      job_type: z.literal('incremental_pull'),
      parameters: z
        .strictObject({
          date_from: isoDate.optional().openapi({ description: 'First day of the window; with date_to (both or neither), not after date_to' }),
          date_to: isoDate.optional().openapi({ description: 'Last day of the window; with date_from (both or neither), not before date_from' }),
          limit: boundedInteger({ min: 1, max: 1_000_000 }).optional(),
          status: trimmedText({ max: 100 }).optional(),
        })
        .refine((p) => (p.date_from === undefined) === (p.date_to === undefined), { message: 'give both date_from and date_to, or neither' })
        .refine((p) => !p.date_from || !p.date_to || p.date_from <= p.date_to, { message: 'date_from must not be after date_to', path: ['date_from'] })
        // Both dates or neither, as JSON Schema says it (the order of the two it cannot say).
        .openapi({ anyOf: [{ required: ['date_from', 'date_to'] }, { not: { anyOf: [{ required: ['date_from'] }, { required: ['date_to'] }] } }] })
        .default({}),
    }),
  ])
  .openapi('PermitJobRequest');

const jobListQuery = z.object({
  status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']).optional(),
  limit: integerParameter({ min: 1, max: 200 }).default(20),
  cursor: cursorParameter,
});

const liveJobSchema = jobSchema.extend({
  live: z.object({ current_year: z.number().nullable(), current_batch: z.number(), years_completed: z.number(), permits_pulled: z.number(), permits_saved: z.number() }).nullable(),
}).openapi('PermitPullJobLive');

const tags = ['Permits: jobs'];

const routes = {
  start: createRoute({ method: 'post', path: '/api/background-jobs/counties/{id}/jobs', tags, summary: 'Start a historical (initial_pull) or incremental pull for a county', request: { params: idPath, body: { required: true, ...jsonContent(jobRequest) } }, responses: { 202: successResponse('Started', jobSchema), ...errorResponses(400, 401, 404, 409) } }),
  list: createRoute({ method: 'get', path: '/api/background-jobs/counties/{id}/jobs', tags, summary: 'A county’s pull jobs, newest first', request: { params: idPath, query: jobListQuery }, responses: { 200: listResponse('Jobs', jobSchema), ...errorResponses(400, 401, 404) } }),
  get: createRoute({ method: 'get', path: '/api/background-jobs/jobs/{id}', tags, summary: 'A job with its live progress (workflow query) while it runs', request: { params: idPath }, responses: { 200: successResponse('Job', liveJobSchema), ...errorResponses(400, 401, 404) } }),
  cancel: createRoute({ method: 'post', path: '/api/background-jobs/jobs/{id}/cancel', tags, summary: 'Cancel gracefully: the page in flight finishes and is saved', request: { params: idPath }, responses: { 202: successResponse('Cancelling', jobSchema), ...errorResponses(400, 401, 404, 409) } }),
  remove: createRoute({ method: 'delete', path: '/api/background-jobs/jobs/{id}', tags, summary: 'Delete a finished job’s record', request: { params: idPath }, responses: { 200: successResponse('Deleted', z.object({ deleted: z.literal(true) })), ...errorResponses(400, 401, 404, 409) } }),
};

/** The permit-jobs routes, as a sub-app joined into the API by `api/app.ts`. */
export function permitJobRoutes(): Router {
  const app = createRouter();
  app.openapi(routes.start, async (c) => {
    const body = c.req.valid('json');
    const request = body.job_type === 'initial_pull'
      ? { jobType: 'initial_pull' as const, years: body.parameters.years }
      : { jobType: 'incremental_pull' as const, dateFrom: body.parameters.date_from, dateTo: body.parameters.date_to, maxPermits: body.parameters.limit ?? null, status: body.parameters.status ?? null };
    return okWithStatus(c, jobView(await startPermitPull(c.get('deps'), c.req.valid('param').id, request)), 202);
  });

  app.openapi(routes.list, async (c) => {
    const { status, limit, cursor } = c.req.valid('query');
    const jobs = await listPermitJobs(c.get('deps'), c.req.valid('param').id, { status }, { limit, cursor });
    return okList(c, jobs.rows.map(jobView), jobs);
  });

  app.openapi(routes.get, async (c) => {
    const { job, live } = await getPermitJob(c.get('deps'), c.req.valid('param').id);
    return ok(c, {
      ...jobView(job),
      live: live && {
        current_year: live.currentYear, current_batch: live.currentBatch, years_completed: live.yearsCompleted,
        permits_pulled: live.counts.permitsPulled, permits_saved: live.counts.permitsSaved,
      },
    });
  });

  app.openapi(routes.cancel, async (c) => okWithStatus(c, jobView(await cancelPermitJob(c.get('deps'), c.req.valid('param').id)), 202));

  app.openapi(routes.remove, async (c) => {
    await deletePermitJob(c.get('deps'), c.req.valid('param').id);
    return ok(c, { deleted: true as const });
  });
  return app;
}
