import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ScheduleNotFoundError } from '@temporalio/client';
import { AccelaClient } from '../../clients/accela/client';
import { AccelaApiError } from '../../clients/accela/errors';
import { AdaptiveRateLimiter } from '../../clients/accela/rate-limiter';
import { launchPermitPull, PullConflictError } from '../../activities/permits/job-launcher';
import { incrementalScheduleId } from '../../workflows/permits/ids';
import { maskSecret } from '../../platform/encryption';
import type { AppEnv, ApiDependencies } from '../dependencies';
import { errorResponses, fail, ok, okWithStatus, successEnvelope } from '../envelope';
import { idParam, iso, isoDate } from './permits-shared';

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone');

const credentialFields = {
  agency_name: z.string().trim().min(1).max(100),
  environment: z.enum(['PROD', 'TEST']).default('PROD'),
  app_id: z.string().trim().min(1).max(200),
  app_secret: z.string().min(1).max(500),
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(500),
};
const countyCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    ...credentialFields,
    permit_type: z.string().trim().min(1).max(200).default('Building/Residential/Trade/Mechanical'),
    module: z.string().trim().min(1).max(100).default('Building'),
    time_zone: timeZone.default('America/New_York'),
  })
  .openapi('CountyCreate');
const countyUpdate = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    agency_name: credentialFields.agency_name.optional(),
    environment: z.enum(['PROD', 'TEST']).optional(),
    app_id: credentialFields.app_id.optional(),
    app_secret: credentialFields.app_secret.optional(),
    username: credentialFields.username.optional(),
    password: credentialFields.password.optional(),
    permit_type: z.string().trim().min(1).max(200).optional(),
    module: z.string().trim().min(1).max(100).optional(),
    time_zone: timeZone.optional(),
  })
  .openapi('CountyUpdate');
const testCredentials = z.strictObject({ ...credentialFields, module: z.string().trim().min(1).default('Building') }).openapi('AccelaCredentials');

const countySchema = z
  .object({
    id: z.number(),
    name: z.string(),
    agency_name: z.string(),
    environment: z.enum(['PROD', 'TEST']),
    app_id: z.string(),
    app_secret: z.string().nullable().openapi({ example: 'ab****yz' }),
    username: z.string(),
    password: z.string().nullable().openapi({ example: '****' }),
    permit_type: z.string(),
    module: z.string(),
    time_zone: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('County');
const connectionTestSchema = z
  .object({ success: z.boolean(), records_seen: z.number().nullable(), error_code: z.string().nullable(), error_message: z.string().nullable() })
  .openapi('AccelaConnectionTest');
const rateLimitSchema = z
  .object({
    limit: z.number().nullable(), remaining: z.number().nullable(), reset_at: z.string().nullable(),
    requests_made: z.number(), throttled_count: z.number(), wait_seconds: z.number(), updated_at: z.string().nullable(),
  })
  .openapi('AccelaRateLimitStats');
const scheduleSchema = z
  .object({
    schedule_id: z.string(), paused: z.boolean(), note: z.string().nullable(), interval_days: z.number().nullable(),
    next_action_times: z.array(z.string()), recent_actions: z.array(z.object({ scheduled_at: z.string(), workflow_id: z.string() })),
  })
  .openapi('PermitSchedule');
const pullRequest = z
  .strictObject({
    date_from: isoDate,
    date_to: isoDate,
    limit: z.number().int().min(1).max(1_000_000).optional(),
    status: z.string().trim().min(1).max(100).optional(),
  })
  .refine((body) => body.date_from <= body.date_to, { message: 'date_from must not be after date_to', path: ['date_from'] })
  .openapi('PullPermitsRequest');
const startedJob = z.object({ job_id: z.number(), workflow_id: z.string() }).openapi('StartedPermitJob');

function countyView(row: Record<string, any>, deps: ApiDependencies): z.infer<typeof countySchema> {
  return {
    id: row.id, name: row.name, agency_name: row.agency_name, environment: row.environment, app_id: row.app_id,
    app_secret: maskSecret(deps.secrets.decrypt(row.app_secret_encrypted)), username: row.username,
    password: maskSecret(deps.secrets.decrypt(row.password_encrypted)), permit_type: row.permit_type, module: row.module,
    time_zone: row.time_zone, created_at: iso(row.created_at)!, updated_at: iso(row.updated_at)!,
  };
}

async function testConnection(deps: ApiDependencies, credentials: z.infer<typeof testCredentials>) {
  const client = new AccelaClient({
    apiUrl: deps.settings.ACCELA_API_URL,
    authUrl: deps.settings.ACCELA_AUTH_URL,
    credentials: {
      appId: credentials.app_id, appSecret: credentials.app_secret, username: credentials.username, password: credentials.password,
      agencyName: credentials.agency_name, environment: credentials.environment, scope: deps.settings.ACCELA_SCOPE,
    },
    timeoutMs: deps.settings.ACCELA_REQUEST_TIMEOUT_MS,
    limiter: new AdaptiveRateLimiter({ pauseFraction: deps.settings.ACCELA_RATE_LIMIT_PAUSE_FRACTION, pageDelayMs: 0, enrichDelayMs: 0 }),
    tokenCache: new Map(),
    tokenCacheKey: 'connection-test',
    tokenRefreshMarginMs: 0,
    maxRateLimitRetries: 0,
  });
  try {
    const { recordsSeen } = await client.testConnection(credentials.module);
    return { success: true, records_seen: recordsSeen, error_code: null, error_message: null };
  } catch (error) {
    if (error instanceof AccelaApiError) return { success: false, records_seen: null, error_code: error.code, error_message: error.message };
    throw error;
  }
}

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const data = <T extends z.ZodType>(description: string, schema: T) => ({ description, ...json(successEnvelope(schema)) });
const tags = ['Permits: counties'];

const routes = {
  create: createRoute({ method: 'post', path: '/api/counties', tags, summary: 'Add a county (Accela agency) with its credentials', request: { body: { required: true, ...json(countyCreate) } }, responses: { 201: data('Created', countySchema), ...errorResponses(400, 401, 409) } }),
  list: createRoute({ method: 'get', path: '/api/counties', tags, summary: 'List counties (secrets masked)', responses: { 200: data('Counties', z.array(countySchema)), ...errorResponses(401) } }),
  get: createRoute({ method: 'get', path: '/api/counties/{id}', tags, summary: 'One county (secrets masked)', request: { params: idParam }, responses: { 200: data('County', countySchema), ...errorResponses(400, 401, 404) } }),
  update: createRoute({ method: 'put', path: '/api/counties/{id}', tags, summary: 'Change a county; secrets are replaced only when given', request: { params: idParam, body: { required: true, ...json(countyUpdate) } }, responses: { 200: data('Updated', countySchema), ...errorResponses(400, 401, 404, 409) } }),
  remove: createRoute({ method: 'delete', path: '/api/counties/{id}', tags, summary: 'Delete a county, its data and its schedule', request: { params: idParam }, responses: { 200: data('Deleted', z.object({ deleted: z.literal(true) })), ...errorResponses(400, 401, 404, 409) } }),
  test: createRoute({ method: 'post', path: '/api/counties/{id}/test', tags, summary: 'Obtain a token and make one records call with the county’s credentials', request: { params: idParam }, responses: { 200: data('Outcome', connectionTestSchema), ...errorResponses(400, 401, 404) } }),
  testCredentials: createRoute({ method: 'post', path: '/api/counties/test-credentials', tags, summary: 'Test Accela credentials before saving them', request: { body: { required: true, ...json(testCredentials) } }, responses: { 200: data('Outcome', connectionTestSchema), ...errorResponses(400, 401) } }),
  rateLimit: createRoute({ method: 'get', path: '/api/counties/{id}/rate-limit-stats', tags, summary: 'Last X-RateLimit-* values seen, requests made, 429s, time spent waiting', request: { params: idParam }, responses: { 200: data('Stats', rateLimitSchema), ...errorResponses(400, 401, 404) } }),
  schedule: createRoute({ method: 'get', path: '/api/counties/{id}/schedule', tags, summary: 'The county’s weekly incremental pull schedule', request: { params: idParam }, responses: { 200: data('Schedule', scheduleSchema), ...errorResponses(400, 401, 404) } }),
  scheduleAction: createRoute({
    method: 'post', path: '/api/counties/{id}/schedule/{action}', tags, summary: 'Pause, resume or trigger the weekly incremental pull',
    request: { params: idParam.extend({ action: z.enum(['pause', 'resume', 'trigger']).openapi({ param: { name: 'action', in: 'path' } }) }) },
    responses: { 200: data('Done', scheduleSchema), ...errorResponses(400, 401, 404) },
  }),
  pull: createRoute({ method: 'post', path: '/api/counties/{id}/pull-permits', tags, summary: 'Pull an ad-hoc date window (an incremental_pull job)', request: { params: idParam, body: { required: true, ...json(pullRequest) } }, responses: { 202: data('Started', startedJob), ...errorResponses(400, 401, 404, 409) } }),
};

async function countyRow(deps: ApiDependencies, id: number) {
  const { rows } = await deps.db.query(`SELECT * FROM counties WHERE id = $1`, [id]);
  return rows[0] as Record<string, any> | undefined;
}

async function describeSchedule(deps: ApiDependencies, countyId: number): Promise<z.infer<typeof scheduleSchema> | null> {
  const scheduleId = incrementalScheduleId(countyId);
  try {
    const described = await deps.temporal.schedule.getHandle(scheduleId).describe();
    const every = described.spec.intervals?.[0]?.every;
    return {
      schedule_id: scheduleId,
      paused: described.state.paused,
      note: described.state.note ?? null,
      interval_days: typeof every === 'number' ? every / 86_400_000 : null,
      next_action_times: described.info.nextActionTimes.map((time) => time.toISOString()),
      recent_actions: described.info.recentActions.map((action) => ({
        scheduled_at: action.scheduledAt.toISOString(),
        workflow_id: action.action.type === 'startWorkflow' ? action.action.workflow.workflowId : '',
      })),
    };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export function registerCountyRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.create, async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    try {
      const { rows } = await deps.db.query(
        `INSERT INTO counties (name, agency_name, environment, app_id, app_secret_encrypted, username, password_encrypted, permit_type, module, time_zone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [body.name, body.agency_name, body.environment, body.app_id, deps.secrets.encrypt(body.app_secret), body.username,
          deps.secrets.encrypt(body.password), body.permit_type, body.module, body.time_zone],
      );
      return okWithStatus(c, countyView(rows[0], deps), 201);
    } catch (error) {
      if (isUniqueViolation(error)) return fail(c, 409, 'CONFLICT', `a county for agency ${body.agency_name} (${body.environment}, ${body.permit_type}) exists already`);
      throw error;
    }
  });

  app.openapi(routes.list, async (c) => {
    const deps = c.get('deps');
    const { rows } = await deps.db.query(`SELECT * FROM counties ORDER BY id`);
    return ok(c, rows.map((row) => countyView(row, deps)));
  });

  app.openapi(routes.get, async (c) => {
    const deps = c.get('deps');
    const row = await countyRow(deps, c.req.valid('param').id);
    return row ? ok(c, countyView(row, deps)) : fail(c, 404, 'NOT_FOUND', `county ${c.req.valid('param').id} does not exist`);
  });

  app.openapi(routes.update, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const columns: Record<string, unknown> = {
      name: body.name, agency_name: body.agency_name, environment: body.environment, app_id: body.app_id, username: body.username,
      permit_type: body.permit_type, module: body.module, time_zone: body.time_zone,
      app_secret_encrypted: body.app_secret === undefined ? undefined : deps.secrets.encrypt(body.app_secret),
      password_encrypted: body.password === undefined ? undefined : deps.secrets.encrypt(body.password),
    };
    const changes = Object.entries(columns).filter(([, value]) => value !== undefined);
    const assignments = changes.map(([column], index) => `${column} = $${index + 2}`);
    try {
      const { rows } = await deps.db.query(
        `UPDATE counties SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
        [id, ...changes.map(([, value]) => value)],
      );
      return rows[0] ? ok(c, countyView(rows[0], deps)) : fail(c, 404, 'NOT_FOUND', `county ${id} does not exist`);
    } catch (error) {
      if (isUniqueViolation(error)) return fail(c, 409, 'CONFLICT', 'another county has this agency, environment and permit type');
      throw error;
    }
  });

  app.openapi(routes.remove, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    if (!(await countyRow(deps, id))) return fail(c, 404, 'NOT_FOUND', `county ${id} does not exist`);
    const active = await deps.db.query(`SELECT id FROM permit_pull_jobs WHERE county_id = $1 AND status IN ('pending', 'running')`, [id]);
    if (active.rows.length > 0) return fail(c, 409, 'CONFLICT', `county ${id} has a pull running (job ${active.rows[0].id}); cancel it first`);
    await deps.temporal.schedule.getHandle(incrementalScheduleId(id)).delete().catch((error: unknown) => {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    });
    await deps.db.query(`DELETE FROM counties WHERE id = $1`, [id]);
    return ok(c, { deleted: true as const });
  });

  app.openapi(routes.test, async (c) => {
    const deps = c.get('deps');
    const row = await countyRow(deps, c.req.valid('param').id);
    if (!row) return fail(c, 404, 'NOT_FOUND', `county ${c.req.valid('param').id} does not exist`);
    return ok(c, await testConnection(deps, {
      agency_name: row.agency_name, environment: row.environment, app_id: row.app_id, app_secret: deps.secrets.decrypt(row.app_secret_encrypted),
      username: row.username, password: deps.secrets.decrypt(row.password_encrypted), module: row.module,
    }));
  });

  app.openapi(routes.testCredentials, async (c) => ok(c, await testConnection(c.get('deps'), c.req.valid('json'))));

  app.openapi(routes.rateLimit, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    if (!(await countyRow(deps, id))) return fail(c, 404, 'NOT_FOUND', `county ${id} does not exist`);
    const { rows } = await deps.db.query(`SELECT * FROM county_rate_limit_stats WHERE county_id = $1`, [id]);
    const row = rows[0];
    return ok(c, {
      limit: row?.limit_per_window ?? null, remaining: row?.remaining ?? null, reset_at: iso(row?.reset_at),
      requests_made: row?.requests_made ?? 0, throttled_count: row?.throttled_count ?? 0,
      wait_seconds: Math.round((row?.wait_ms ?? 0) / 100) / 10, updated_at: iso(row?.updated_at),
    });
  });

  app.openapi(routes.schedule, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const schedule = await describeSchedule(deps, id);
    return schedule ? ok(c, schedule) : fail(c, 404, 'NOT_FOUND', `county ${id} has no schedule yet (it is created when its historical pull completes)`);
  });

  app.openapi(routes.scheduleAction, async (c) => {
    const deps = c.get('deps');
    const { id, action } = c.req.valid('param');
    if (!(await describeSchedule(deps, id))) return fail(c, 404, 'NOT_FOUND', `county ${id} has no schedule yet`);
    const handle = deps.temporal.schedule.getHandle(incrementalScheduleId(id));
    if (action === 'pause') await handle.pause('paused through the API');
    else if (action === 'resume') await handle.unpause('resumed through the API');
    else await handle.trigger();
    return ok(c, (await describeSchedule(deps, id))!);
  });

  app.openapi(routes.pull, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (!(await countyRow(deps, id))) return fail(c, 404, 'NOT_FOUND', `county ${id} does not exist`);
    try {
      const started = await launchPermitPull({ db: deps.db, temporal: deps.temporal, queues: deps.queues, settings: deps.settings }, id, {
        jobType: 'incremental_pull', dateFrom: body.date_from, dateTo: body.date_to, maxPermits: body.limit ?? null, status: body.status ?? null,
      });
      return okWithStatus(c, { job_id: started.jobId, workflow_id: started.workflowId }, 202);
    } catch (error) {
      if (error instanceof PullConflictError) return fail(c, 409, 'CONFLICT', error.message);
      throw error;
    }
  });
}
