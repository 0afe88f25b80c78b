import { createRoute, z } from '@hono/zod-openapi';
import { getCountries, isSupportedCountry } from 'libphonenumber-js';
import { type CrmConfigSummary, crmConfigSummary, saveCrmConfiguration, testCrmConnection } from '../../services/crm/config';
import { crmSyncStatus, startCrmSync } from '../../services/crm/sync';
import { errorResponses, jsonContent, ok, okWithStatus, successResponse } from '../envelope';
import { bodyId, trimmedText } from '../input-schemas';
import { createRouter, type Router } from '../router';

const crmConfigSchema = z
  .object({
    configured: z.boolean(),
    api_token: z.string().nullable().openapi({ description: 'Masked; never returned in clear', example: 'pi****9f' }),
    location_id: z.string().nullable(),
    default_tags: z.array(z.string()),
    default_phone_country: z.string(),
    updated_at: z.string().nullable(),
  })
  .openapi('SummitConfig');

const crmConfigChangeSchema = z
  .strictObject({
    api_token: trimmedText({ min: 8, max: 2000 }).optional().openapi({ description: 'Private integration token: required while none is stored; omit it to keep the stored one' }),
    location_id: trimmedText({ max: 100 }),
    default_tags: z.array(trimmedText({ max: 100 })).max(20).optional(),
    default_phone_country: z
      .string()
      .trim()
      .transform((value) => value.toUpperCase())
      .refine((value) => isSupportedCountry(value), 'not a supported ISO 3166-1 alpha-2 country')
      // The document lists the codes in upper case; lower case is accepted too.
      .openapi({ enum: getCountries(), description: 'ISO 3166-1 alpha-2 country of phone numbers written without a country code' })
      .optional(),
  })
  .openapi('SummitConfigChange');

const connectionTestSchema = z
  .object({
    ok: z.boolean(),
    status: z.number().nullable(),
    message: z.string(),
    rate_limit: z
      .object({ max: z.number().nullable(), remaining: z.number().nullable(), interval_ms: z.number().nullable(), daily_remaining: z.number().nullable() })
      .nullable(),
  })
  .openapi('SummitConnectionTest');

const syncRequestSchema = z
  .strictObject({ lead_ids: z.array(bodyId()).max(10_000).default([]) })
  .openapi('SummitSyncRequest');

const syncJobSchema = z
  .object({ workflow_id: z.string(), run_id: z.string(), selection: z.enum(['pending', 'leads']), lead_count: z.number().nullable() })
  .openapi('SummitSyncJob');

const syncRunSchema = z.object({
  workflow_id: z.string(),
  selection: z.enum(['pending', 'leads']),
  status: z.enum(['running', 'completed', 'failed', 'not_configured']),
  total: z.number(),
  processed: z.number(),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  failed: z.number(),
  requests: z.number(),
  error_message: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});

const syncStatusSchema = z
  .object({
    counts: z.object({ pending: z.number(), synced: z.number(), failed: z.number(), skipped: z.number() }),
    last_run: syncRunSchema.nullable(),
  })
  .openapi('SummitSyncStatus');

const getConfigRoute = createRoute({
  method: 'get',
  path: '/api/summit/config',
  tags: ['CRM'],
  summary: 'The HighLevel (Summit.AI) configuration, token masked',
  responses: { 200: successResponse('The configuration', crmConfigSchema), ...errorResponses(401) },
});

const putConfigRoute = createRoute({
  method: 'put',
  path: '/api/summit/config',
  tags: ['CRM'],
  summary: 'Set the HighLevel token (stored encrypted), location id, default tags and default phone country',
  request: { body: { required: true, ...jsonContent(crmConfigChangeSchema) } },
  responses: { 200: successResponse('Saved', crmConfigSchema), ...errorResponses(400, 401) },
});

const testConnectionRoute = createRoute({
  method: 'post',
  path: '/api/summit/test',
  tags: ['CRM'],
  summary: 'One authenticated read against HighLevel: success, or the CRM\'s error message',
  responses: { 200: successResponse('The outcome', connectionTestSchema), ...errorResponses(401, 404) },
});

const startSyncRoute = createRoute({
  method: 'post',
  path: '/api/leads/sync-to-summit',
  tags: ['CRM'],
  summary: 'Push the given leads (or, with none, every pending lead) to HighLevel as a durable workflow',
  request: { body: { required: false, ...jsonContent(syncRequestSchema) } },
  responses: {
    202: successResponse('The sync job started', syncJobSchema),
    ...errorResponses(400, 401, 404, 409, 503),
  },
});

const syncStatusRoute = createRoute({
  method: 'get',
  path: '/api/summit/sync-status',
  tags: ['CRM'],
  summary: 'Leads by sync status and the last sync run (live progress while it runs)',
  responses: { 200: successResponse('Status', syncStatusSchema), ...errorResponses(401) },
});

const configView = (config: CrmConfigSummary) => ({
  configured: config.configured,
  api_token: config.maskedToken,
  location_id: config.locationId,
  default_tags: config.defaultTags,
  default_phone_country: config.defaultPhoneCountry,
  updated_at: config.updatedAt?.toISOString() ?? null,
});

/** The crm routes, as a sub-app joined into the API by `api/app.ts`. */
export function crmRoutes(): Router {
  const app = createRouter();

  app.openapi(getConfigRoute, async (c) => ok(c, configView(await crmConfigSummary(c.get('deps')))));

  app.openapi(putConfigRoute, async (c) => {
    const body = c.req.valid('json');
    const saved = await saveCrmConfiguration(c.get('deps'), {
      apiToken: body.api_token,
      locationId: body.location_id,
      defaultTags: body.default_tags,
      defaultPhoneCountry: body.default_phone_country,
    });
    return ok(c, configView(saved));
  });

  app.openapi(testConnectionRoute, async (c) => {
    const outcome = await testCrmConnection(c.get('deps'));
    const limits = outcome.rateLimit;
    return ok(c, {
      ok: outcome.ok,
      status: outcome.status,
      message: outcome.message,
      rate_limit: limits ? { max: limits.max, remaining: limits.remaining, interval_ms: limits.intervalMs, daily_remaining: limits.dailyRemaining } : null,
    });
  });

  app.openapi(startSyncRoute, async (c) => {
    const job = await startCrmSync(c.get('deps'), c.req.valid('json')?.lead_ids ?? []);
    return okWithStatus(c, { workflow_id: job.workflowId, run_id: job.runId, selection: job.selection, lead_count: job.leadCount }, 202);
  });

  app.openapi(syncStatusRoute, async (c) => {
    const { counts, lastRun: run } = await crmSyncStatus(c.get('deps'));
    return ok(c, {
      counts,
      last_run: run && {
        workflow_id: run.workflowId,
        selection: run.selection,
        status: run.status,
        total: run.total,
        processed: run.processed,
        created: run.created,
        updated: run.updated,
        skipped: run.skipped,
        failed: run.failed,
        requests: run.requests,
        error_message: run.errorMessage,
        started_at: run.startedAt.toISOString(),
        finished_at: run.finishedAt?.toISOString() ?? null,
      },
    });
  });
  return app;
}
