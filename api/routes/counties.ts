import { createRoute, z } from '@hono/zod-openapi';
import {
  type ConnectionTestOutcome, countyRateLimitStats, createCounty, deleteCounty, getCounty, listCounties, type MaskedCounty, testAccelaCredentials, testCountyConnection,
  testOpenDataSource, updateCounty,
} from '../../services/permits/counties';
import { applyScheduleAction, getCountySchedule } from '../../services/permits/county-schedule';
import { startPermitPull } from '../../services/permits/pull-jobs';
import { errorResponses, jsonContent, ok, okWithStatus, successResponse } from '../envelope';
import { fieldMappingSchema } from '../../domain/permits/open-data-record';
import { boundedInteger, idPath, trimmedText, verbatimText } from '../input-schemas';
import { iso, isoDate } from './permits-shared';
import { createRouter, type Router } from '../router';

const timeZone = z
  .string()
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone')
  // The document lists the canonical names; Intl also takes their aliases and other letter cases.
  .openapi({ enum: ['UTC', ...Intl.supportedValuesOf('timeZone')], description: 'An IANA time zone name' });

const credentialFields = {
  agency_name: trimmedText({ max: 100 }),
  environment: z.enum(['PROD', 'TEST']).default('PROD'),
  app_id: trimmedText({ max: 200 }),
  app_secret: verbatimText({ min: 1, max: 500 }),
  username: trimmedText({ max: 200 }),
  password: verbatimText({ min: 1, max: 500 }),
};
/** The host a Socrata dataset is published on (`data.cityofchicago.org`), or an http(s) base URL (a simulator's). */
const socrataDomain = z
  .string()
  .max(300)
  .regex(/^(https?:\/\/)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d+)?\/?$/, 'not a host name or base URL (https://host[:port])')
  .refine((value) => {
    try {
      const url = new URL(/^https?:\/\//.test(value) ? value : `https://${value}`);
      return url.pathname === '/' && !url.search && !url.hash && !url.username;
    } catch {
      return false;
    }
  }, 'not a host name or base URL (https://host[:port])')
  .openapi({ example: 'data.cityofchicago.org' });
// Each states its shape as its one pattern (the document keeps one per string), so a client built from it
// never sends another; the refinement then parses it.
const arcgisLayerUrl = z
  .string()
  .max(1000)
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%-]+)*\/(FeatureServer|MapServer)\/\d+\/?$/, 'not a layer URL (http(s)://…/FeatureServer/<n> or …/MapServer/<n>)')
  .refine((value) => {
    try {
      const url = new URL(value);
      return /^https?:$/.test(url.protocol) && /\/(FeatureServer|MapServer)\/\d+\/?$/i.test(url.pathname) && !url.search && !url.username;
    } catch {
      return false;
    }
  }, 'not a layer URL (http(s)://…/FeatureServer/<n> or …/MapServer/<n>)')
  .openapi({ example: 'https://services1.arcgis.com/CvuPhqcTQpZPT9qY/arcgis/rest/services/Building_Permits_Since_2014/FeatureServer/0' });
// Built here from the domain's shape: a schema zod made before @hono/zod-openapi was first imported has no
// `.openapi` (the API server imports the services, and so the domain, before its routes).
const fieldMapping = z.strictObject(fieldMappingSchema.shape).openapi('PermitFieldMapping', { description: 'Which source column holds each canonical permit field (domain/permits/open-data-record.ts)' });
const sourceToken = verbatimText({ min: 1, max: 500 }).nullable();
const socrataSource = {
  platform: z.literal('socrata'),
  domain: socrataDomain,
  dataset_id: z.string().regex(/^[a-z0-9]{4}-[a-z0-9]{4}$/, 'not a Socrata dataset id (four-four, e.g. ydr8-5enu)'),
  field_mapping: fieldMapping,
};
const arcgisSource = { platform: z.literal('arcgis'), layer_url: arcgisLayerUrl, field_mapping: fieldMapping };
const openDataSource = z.discriminatedUnion('platform', [z.strictObject(socrataSource), z.strictObject(arcgisSource)]).openapi('OpenDataSource');

const countyCreate = z
  .discriminatedUnion('platform', [
    z.strictObject({
      platform: z.literal('accela').default('accela'),
      name: trimmedText({ max: 200 }),
      ...credentialFields,
      permit_type: trimmedText({ max: 200 }).default('Building/Residential/Trade/Mechanical'),
      module: trimmedText({ max: 100 }).default('Building'),
      time_zone: timeZone.default('America/New_York'),
    }),
    ...([socrataSource, arcgisSource] as const).map((source) => z.strictObject({
      ...source,
      name: trimmedText({ max: 200 }),
      /** Socrata: the app token (X-App-Token); ArcGIS: a token for a secured layer. */
      source_token: sourceToken.default(null),
      time_zone: timeZone.default('America/New_York'),
    })),
  ])
  .openapi('CountyCreate');
const countyUpdate = z
  .strictObject({
    name: trimmedText({ max: 200 }).optional(),
    agency_name: credentialFields.agency_name.optional(),
    environment: z.enum(['PROD', 'TEST']).optional(),
    app_id: credentialFields.app_id.optional(),
    app_secret: credentialFields.app_secret.optional(),
    username: credentialFields.username.optional(),
    password: credentialFields.password.optional(),
    permit_type: trimmedText({ max: 200 }).optional(),
    module: trimmedText({ max: 100 }).optional(),
    time_zone: timeZone.optional(),
    source: openDataSource.optional().openapi({ description: 'Socrata or ArcGIS counties only; the platform cannot change' }),
    source_token: sourceToken.optional().openapi({ description: 'Socrata or ArcGIS counties only; null removes it' }),
  })
  .openapi('CountyUpdate');
const testCredentials = z
  .discriminatedUnion('platform', [
    z.strictObject({ platform: z.literal('accela').default('accela'), ...credentialFields, module: trimmedText({ max: 100 }).default('Building') }),
    ...([socrataSource, arcgisSource] as const).map((source) => z.strictObject({ ...source, source_token: sourceToken.default(null) })),
  ])
  .openapi('ConnectionTestRequest', { description: 'Accela credentials (the default platform), or a Socrata dataset or ArcGIS layer with its field mapping' });

const countySchema = z
  .object({
    id: z.number(),
    name: z.string(),
    platform: z.enum(['accela', 'socrata', 'arcgis']),
    agency_name: z.string().openapi({ description: 'Accela agency; for Socrata and ArcGIS, the source (domain/dataset or layer URL)' }),
    environment: z.enum(['PROD', 'TEST']),
    app_id: z.string().nullable(),
    app_secret: z.string().nullable().openapi({ example: 'ab****yz' }),
    username: z.string().nullable(),
    password: z.string().nullable().openapi({ example: '****' }),
    // Absent for an Accela county: a nullable reference would be written `oneOf: [$ref, {nullable}]` in OpenAPI 3.0,
    // which every source object matches twice.
    source: openDataSource.optional(),
    source_token: z.string().nullable().openapi({ example: 'ab****yz' }),
    permit_type: z.string(),
    module: z.string(),
    time_zone: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    data_status: z.enum(['current', 'stale', 'failing', 'never_pulled']).openapi({
      description: 'failing: the newest finished pull failed; stale: no successful pull within the schedule interval plus a day, or the source changed over a day ago after the last successful pull began; never_pulled: no pull has finished',
    }),
    data_status_reason: z.string().nullable().openapi({ description: 'Why the data is not current' }),
    last_successful_pull_at: z.string().nullable().openapi({ description: 'When the newest completed pull finished' }),
    source_modified_at: z.string().nullable().openapi({ description: 'The source’s own last-modified time as last seen (Socrata rowsUpdatedAt, ArcGIS editingInfo.lastEditDate); null for Accela' }),
  })
  .openapi('County');
const connectionTestSchema = z
  .object({
    success: z.boolean().openapi({ description: 'Connected and, for Socrata and ArcGIS, every mapped column present' }),
    records_seen: z.number().nullable(),
    error_code: z.string().nullable().openapi({ description: 'Accela’s code; Socrata’s code or http_<status>; ArcGIS’s numeric code (498: invalid token); missing_columns' }),
    error_message: z.string().nullable(),
    missing_columns: z.array(z.string()).openapi({ description: 'Mapped source columns the live metadata does not list (always empty for Accela)' }),
    source_modified_at: z.string().nullable().openapi({ description: 'The source’s own last-modified time; null for Accela' }),
  })
  .openapi('ConnectionTest');
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
    date_from: isoDate.openapi({ description: 'First day of the window, not after date_to' }),
    date_to: isoDate.openapi({ description: 'Last day of the window, not before date_from' }),
    limit: boundedInteger({ min: 1, max: 1_000_000 }).optional(),
    status: trimmedText({ max: 100 }).optional(),
  })
  .refine((body) => body.date_from <= body.date_to, { message: 'date_from must not be after date_to', path: ['date_from'] })
  .openapi('PullPermitsRequest');
const startedJob = z.object({ job_id: z.number(), workflow_id: z.string() }).openapi('StartedPermitJob');

function countyView(county: MaskedCounty): z.infer<typeof countySchema> {
  return {
    id: county.id, name: county.name, platform: county.platform, agency_name: county.agency_name, environment: county.environment, app_id: county.app_id,
    app_secret: county.app_secret, username: county.username, password: county.password, source: county.source_config ?? undefined,
    source_token: county.source_token, permit_type: county.permit_type,
    module: county.module, time_zone: county.time_zone, created_at: iso(county.created_at)!, updated_at: iso(county.updated_at)!,
    data_status: county.data_status, data_status_reason: county.data_status_reason, last_successful_pull_at: iso(county.last_successful_pull_at),
    source_modified_at: iso(county.source_modified_at),
  };
}

function connectionTestView(outcome: ConnectionTestOutcome): z.infer<typeof connectionTestSchema> {
  return { ...outcome, source_modified_at: iso(outcome.source_modified_at) };
}

const tags = ['Permits: counties'];

const routes = {
  create: createRoute({ method: 'post', path: '/api/counties', tags, summary: 'Add a county: an Accela agency with its credentials, or a Socrata dataset or ArcGIS layer with its field mapping', request: { body: { required: true, ...jsonContent(countyCreate) } }, responses: { 201: successResponse('Created', countySchema), ...errorResponses(400, 401, 409) } }),
  list: createRoute({ method: 'get', path: '/api/counties', tags, summary: 'List counties (secrets masked)', responses: { 200: successResponse('Counties', z.array(countySchema)), ...errorResponses(401) } }),
  get: createRoute({ method: 'get', path: '/api/counties/{id}', tags, summary: 'One county (secrets masked)', request: { params: idPath }, responses: { 200: successResponse('County', countySchema), ...errorResponses(400, 401, 404) } }),
  update: createRoute({ method: 'put', path: '/api/counties/{id}', tags, summary: 'Change a county; secrets are replaced only when given', request: { params: idPath, body: { required: true, ...jsonContent(countyUpdate) } }, responses: { 200: successResponse('Updated', countySchema), ...errorResponses(400, 401, 404, 409) } }),
  remove: createRoute({ method: 'delete', path: '/api/counties/{id}', tags, summary: 'Delete a county, its data and its schedule', request: { params: idPath }, responses: { 200: successResponse('Deleted', z.object({ deleted: z.literal(true) })), ...errorResponses(400, 401, 404, 409) } }),
  test: createRoute({ method: 'post', path: '/api/counties/{id}/test', tags, summary: 'Test the county’s connection: Accela, a token and one records call; Socrata or ArcGIS, the live metadata against its field mapping and a row count', request: { params: idPath }, responses: { 200: successResponse('Outcome', connectionTestSchema), ...errorResponses(400, 401, 404) } }),
  testCredentials: createRoute({ method: 'post', path: '/api/counties/test-credentials', tags, summary: 'Test Accela credentials, or a Socrata dataset or ArcGIS layer with its field mapping, before saving them', request: { body: { required: true, ...jsonContent(testCredentials) } }, responses: { 200: successResponse('Outcome', connectionTestSchema), ...errorResponses(400, 401) } }),
  rateLimit: createRoute({ method: 'get', path: '/api/counties/{id}/rate-limit-stats', tags, summary: 'Last X-RateLimit-* values seen, requests made, 429s, time spent waiting', request: { params: idPath }, responses: { 200: successResponse('Stats', rateLimitSchema), ...errorResponses(400, 401, 404) } }),
  schedule: createRoute({ method: 'get', path: '/api/counties/{id}/schedule', tags, summary: 'The county’s weekly incremental pull schedule', request: { params: idPath }, responses: { 200: successResponse('Schedule', scheduleSchema), ...errorResponses(400, 401, 404) } }),
  scheduleAction: createRoute({
    method: 'post', path: '/api/counties/{id}/schedule/{action}', tags, summary: 'Pause, resume or trigger the weekly incremental pull',
    request: { params: idPath.extend({ action: z.enum(['pause', 'resume', 'trigger']).openapi({ param: { name: 'action', in: 'path' } }) }) },
    responses: { 200: successResponse('Done', scheduleSchema), ...errorResponses(400, 401, 404) },
  }),
  pull: createRoute({ method: 'post', path: '/api/counties/{id}/pull-permits', tags, summary: 'Pull an ad-hoc date window (an incremental_pull job)', request: { params: idPath, body: { required: true, ...jsonContent(pullRequest) } }, responses: { 202: successResponse('Started', startedJob), ...errorResponses(400, 401, 404, 409) } }),
};

/** The counties routes, as a sub-app joined into the API by `api/app.ts`. */
export function countyRoutes(): Router {
  const app = createRouter();
  app.openapi(routes.create, async (c) => okWithStatus(c, countyView(await createCounty(c.get('deps'), c.req.valid('json'))), 201));

  app.openapi(routes.list, async (c) => ok(c, (await listCounties(c.get('deps'))).map(countyView)));

  app.openapi(routes.get, async (c) => ok(c, countyView(await getCounty(c.get('deps'), c.req.valid('param').id))));

  app.openapi(routes.update, async (c) => ok(c, countyView(await updateCounty(c.get('deps'), c.req.valid('param').id, c.req.valid('json')))));

  app.openapi(routes.remove, async (c) => {
    await deleteCounty(c.get('deps'), c.req.valid('param').id);
    return ok(c, { deleted: true as const });
  });

  app.openapi(routes.test, async (c) => ok(c, connectionTestView(await testCountyConnection(c.get('deps'), c.req.valid('param').id))));

  app.openapi(routes.testCredentials, async (c) => {
    const body = c.req.valid('json');
    const { settings } = c.get('deps');
    if (body.platform === 'socrata') {
      const { domain, dataset_id, field_mapping, source_token } = body;
      return ok(c, connectionTestView(await testOpenDataSource(settings, { platform: 'socrata', domain, dataset_id, field_mapping }, source_token)));
    }
    if (body.platform === 'arcgis') {
      const { layer_url, field_mapping, source_token } = body;
      return ok(c, connectionTestView(await testOpenDataSource(settings, { platform: 'arcgis', layer_url, field_mapping }, source_token)));
    }
    return ok(c, connectionTestView(await testAccelaCredentials(settings, {
      agencyName: body.agency_name, environment: body.environment, appId: body.app_id, appSecret: body.app_secret,
      username: body.username, password: body.password,
    }, body.module)));
  });

  app.openapi(routes.rateLimit, async (c) => {
    const stats = await countyRateLimitStats(c.get('deps').db, c.req.valid('param').id);
    return ok(c, {
      limit: stats.limit, remaining: stats.remaining, reset_at: iso(stats.resetAt), requests_made: stats.requestsMade,
      throttled_count: stats.throttledCount, wait_seconds: stats.waitSeconds, updated_at: iso(stats.updatedAt),
    });
  });

  app.openapi(routes.schedule, async (c) => ok(c, await getCountySchedule(c.get('deps').temporal, c.req.valid('param').id)));

  app.openapi(routes.scheduleAction, async (c) => {
    const { id, action } = c.req.valid('param');
    return ok(c, await applyScheduleAction(c.get('deps').temporal, id, action));
  });

  app.openapi(routes.pull, async (c) => {
    const body = c.req.valid('json');
    const job = await startPermitPull(c.get('deps'), c.req.valid('param').id, {
      jobType: 'incremental_pull', dateFrom: body.date_from, dateTo: body.date_to, maxPermits: body.limit ?? null, status: body.status ?? null,
    });
    return okWithStatus(c, { job_id: job.id, workflow_id: job.workflow_id }, 202);
  });
  return app;
}
