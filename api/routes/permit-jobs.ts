import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { cancelPermitPull, launchPermitPull, PullConflictError } from '../../activities/permits/job-launcher';
import { permitPullProgressQuery, type PullProgress } from '../../workflows/permits/progress';
import type { AppEnv } from '../dependencies';
import { errorResponses, fail, ok, okWithStatus, successEnvelope } from '../envelope';
import { idParam, isoDate, jobSchema, jobView } from './permits-shared';

const LIVE_QUERY_TIMEOUT_MS = 2_000;

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
          date_from: isoDate.optional(),
          date_to: isoDate.optional(),
          limit: z.number().int().min(1).optional(),
          status: z.string().trim().min(1).optional(),
        })
        .refine((p) => (p.date_from === undefined) === (p.date_to === undefined), { message: 'give both date_from and date_to, or neither' })
        .refine((p) => !p.date_from || !p.date_to || p.date_from <= p.date_to, { message: 'date_from must not be after date_to', path: ['date_from'] })
        .default({}),
    }),
  ])
  .openapi('PermitJobRequest');

const jobListQuery = z.object({
  status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

const liveJobSchema = jobSchema.extend({
  live: z.object({ current_year: z.number().nullable(), current_batch: z.number(), years_completed: z.number(), permits_pulled: z.number(), permits_saved: z.number() }).nullable(),
}).openapi('PermitPullJobLive');

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const data = <T extends z.ZodType>(description: string, schema: T) => ({ description, ...json(successEnvelope(schema)) });
const tags = ['Permits: jobs'];

const routes = {
  start: createRoute({ method: 'post', path: '/api/background-jobs/counties/{id}/jobs', tags, summary: 'Start a historical (initial_pull) or incremental pull for a county', request: { params: idParam, body: { required: true, ...json(jobRequest) } }, responses: { 202: data('Started', jobSchema), ...errorResponses(400, 401, 404, 409) } }),
  list: createRoute({ method: 'get', path: '/api/background-jobs/counties/{id}/jobs', tags, summary: 'A county’s pull jobs, newest first', request: { params: idParam, query: jobListQuery }, responses: { 200: data('Jobs', z.array(jobSchema)), ...errorResponses(400, 401, 404) } }),
  get: createRoute({ method: 'get', path: '/api/background-jobs/jobs/{id}', tags, summary: 'A job with its live progress (workflow query) while it runs', request: { params: idParam }, responses: { 200: data('Job', liveJobSchema), ...errorResponses(400, 401, 404) } }),
  cancel: createRoute({ method: 'post', path: '/api/background-jobs/jobs/{id}/cancel', tags, summary: 'Cancel gracefully: the page in flight finishes and is saved', request: { params: idParam }, responses: { 202: data('Cancelling', jobSchema), ...errorResponses(400, 401, 404, 409) } }),
  remove: createRoute({ method: 'delete', path: '/api/background-jobs/jobs/{id}', tags, summary: 'Delete a finished job’s record', request: { params: idParam }, responses: { 200: data('Deleted', z.object({ deleted: z.literal(true) })), ...errorResponses(400, 401, 404, 409) } }),
};

export function registerPermitJobRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.start, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const county = await deps.db.query(`SELECT id FROM counties WHERE id = $1`, [id]);
    if (county.rows.length === 0) return fail(c, 404, 'NOT_FOUND', `county ${id} does not exist`);
    try {
      const request = body.job_type === 'initial_pull'
        ? { jobType: 'initial_pull' as const, years: body.parameters.years }
        : { jobType: 'incremental_pull' as const, dateFrom: body.parameters.date_from, dateTo: body.parameters.date_to, maxPermits: body.parameters.limit ?? null, status: body.parameters.status ?? null };
      const { jobId } = await launchPermitPull({ db: deps.db, temporal: deps.temporal, queues: deps.queues, settings: deps.settings }, id, request);
      const { rows } = await deps.db.query(`SELECT * FROM permit_pull_jobs WHERE id = $1`, [jobId]);
      return okWithStatus(c, jobView(rows[0]), 202);
    } catch (error) {
      if (error instanceof PullConflictError) return fail(c, 409, 'CONFLICT', error.message);
      throw error;
    }
  });

  app.openapi(routes.list, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const county = await deps.db.query(`SELECT id FROM counties WHERE id = $1`, [id]);
    if (county.rows.length === 0) return fail(c, 404, 'NOT_FOUND', `county ${id} does not exist`);
    const { rows } = await deps.db.query(
      `SELECT * FROM permit_pull_jobs WHERE county_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3`,
      [id, query.status ?? null, query.limit],
    );
    return ok(c, rows.map(jobView));
  });

  app.openapi(routes.get, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const { rows } = await deps.db.query(`SELECT * FROM permit_pull_jobs WHERE id = $1`, [id]);
    if (!rows[0]) return fail(c, 404, 'NOT_FOUND', `job ${id} does not exist`);
    let live: PullProgress | null = null;
    if (rows[0].status === 'running' && rows[0].workflow_id) {
      // The database row is updated at every page; the query adds the workflow's own view when a worker answers in time.
      live = await deps.temporal
        .withDeadline(Date.now() + LIVE_QUERY_TIMEOUT_MS, () => deps.temporal.workflow.getHandle(rows[0].workflow_id).query(permitPullProgressQuery))
        .catch(() => null);
    }
    return ok(c, {
      ...jobView(rows[0]),
      live: live && {
        current_year: live.currentYear, current_batch: live.currentBatch, years_completed: live.yearsCompleted,
        permits_pulled: live.counts.permitsPulled, permits_saved: live.counts.permitsSaved,
      },
    });
  });

  app.openapi(routes.cancel, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const { rows } = await deps.db.query(`SELECT * FROM permit_pull_jobs WHERE id = $1`, [id]);
    if (!rows[0]) return fail(c, 404, 'NOT_FOUND', `job ${id} does not exist`);
    if (!(await cancelPermitPull({ db: deps.db, temporal: deps.temporal }, id))) return fail(c, 409, 'CONFLICT', `job ${id} is ${rows[0].status}, not running`);
    return okWithStatus(c, jobView(rows[0]), 202);
  });

  app.openapi(routes.remove, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const { rows } = await deps.db.query(`SELECT status FROM permit_pull_jobs WHERE id = $1`, [id]);
    if (!rows[0]) return fail(c, 404, 'NOT_FOUND', `job ${id} does not exist`);
    if (['pending', 'running'].includes(rows[0].status)) return fail(c, 409, 'CONFLICT', `job ${id} is ${rows[0].status}; cancel it first`);
    await deps.db.query(`DELETE FROM permit_pull_jobs WHERE id = $1`, [id]);
    return ok(c, { deleted: true as const });
  });
}
