import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { isSupportedCountry } from 'libphonenumber-js';
import { highLevelClientFor } from '../../activities/crm/client-factory';
import { CrmTokenRequiredError, DEFAULT_CRM_TAGS, DEFAULT_PHONE_COUNTRY, isCrmConfigured, loadCrmConfig, saveCrmConfig } from '../../activities/crm/store/config';
import { existingLeadIds, leadCountsByStatus } from '../../activities/crm/store/leads';
import { latestSyncRun } from '../../activities/crm/store/runs';
import { HighLevelError } from '../../clients/highlevel/errors';
import { maskSecret } from '../../platform/encryption';
import { SourceAttribute } from '../../platform/search-attributes';
import type { syncLeadsToCrmWorkflow } from '../../workflows/crm/sync-leads';
import { crmSyncProgressQuery } from '../../workflows/crm/sync-progress';
import { crmSyncWorkflowId, normaliseLeadSelection } from '../../workflows/crm/workflow-ids';
import type { AppEnv } from '../dependencies';
import { errorResponses, fail, ok, okWithStatus, successEnvelope } from '../envelope';

const PROGRESS_QUERY_DEADLINE_MS = 2000;
/** Probe address for the connection test: a read that needs the token, its scope and its location. */
const CONNECTION_TEST_EMAIL = 'connection-test@prospector.invalid';

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
    api_token: z.string().trim().min(8).max(2000).optional().openapi({ description: 'Private integration token; omit to keep the stored one' }),
    location_id: z.string().trim().min(1).max(100),
    default_tags: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    default_phone_country: z
      .string()
      .trim()
      .transform((value) => value.toUpperCase())
      .refine((value) => isSupportedCountry(value), 'not a supported ISO 3166-1 alpha-2 country')
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
  .strictObject({ lead_ids: z.array(z.number().int().positive()).max(10_000).default([]) })
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

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const getConfigRoute = createRoute({
  method: 'get',
  path: '/api/summit/config',
  tags: ['CRM'],
  summary: 'The HighLevel (Summit.AI) configuration, token masked',
  responses: { 200: { description: 'The configuration', ...json(successEnvelope(crmConfigSchema)) }, ...errorResponses(401) },
});

const putConfigRoute = createRoute({
  method: 'put',
  path: '/api/summit/config',
  tags: ['CRM'],
  summary: 'Set the HighLevel token (stored encrypted), location id, default tags and default phone country',
  request: { body: { required: true, ...json(crmConfigChangeSchema) } },
  responses: { 200: { description: 'Saved', ...json(successEnvelope(crmConfigSchema)) }, ...errorResponses(400, 401) },
});

const testConnectionRoute = createRoute({
  method: 'post',
  path: '/api/summit/test',
  tags: ['CRM'],
  summary: 'One authenticated read against HighLevel: success, or the CRM\'s error message',
  responses: { 200: { description: 'The outcome', ...json(successEnvelope(connectionTestSchema)) }, ...errorResponses(401, 404) },
});

const startSyncRoute = createRoute({
  method: 'post',
  path: '/api/leads/sync-to-summit',
  tags: ['CRM'],
  summary: 'Push the given leads (or, with none, every pending lead) to HighLevel as a durable workflow',
  request: { body: { required: false, ...json(syncRequestSchema) } },
  responses: {
    202: { description: 'The sync job started', ...json(successEnvelope(syncJobSchema)) },
    ...errorResponses(400, 401, 404, 409, 503),
  },
});

const syncStatusRoute = createRoute({
  method: 'get',
  path: '/api/summit/sync-status',
  tags: ['CRM'],
  summary: 'Leads by sync status and the last sync run (live progress while it runs)',
  responses: { 200: { description: 'Status', ...json(successEnvelope(syncStatusSchema)) }, ...errorResponses(401) },
});

export function registerCrmRoutes(app: OpenAPIHono<AppEnv>) {
  const configView = async (deps: AppEnv['Variables']['deps']) => {
    const config = await loadCrmConfig(deps.db, deps.secrets);
    return {
      configured: config !== null,
      api_token: maskSecret(config?.apiToken),
      location_id: config?.locationId ?? null,
      default_tags: config?.defaultTags ?? DEFAULT_CRM_TAGS,
      default_phone_country: config?.defaultPhoneCountry ?? DEFAULT_PHONE_COUNTRY,
      updated_at: config?.updatedAt.toISOString() ?? null,
    };
  };

  app.openapi(getConfigRoute, async (c) => ok(c, await configView(c.get('deps'))));

  app.openapi(putConfigRoute, async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    try {
      await saveCrmConfig(deps.db, deps.secrets, {
        apiToken: body.api_token,
        locationId: body.location_id,
        defaultTags: body.default_tags,
        defaultPhoneCountry: body.default_phone_country,
      });
    } catch (error) {
      if (error instanceof CrmTokenRequiredError) return fail(c, 400, 'VALIDATION_ERROR', `api_token: ${error.message}`);
      throw error;
    }
    return ok(c, await configView(deps));
  });

  app.openapi(testConnectionRoute, async (c) => {
    const { db, secrets, settings } = c.get('deps');
    const config = await loadCrmConfig(db, secrets);
    if (!config) return fail(c, 404, 'NOT_FOUND', 'HighLevel is not configured: PUT /api/summit/config first');
    const client = highLevelClientFor(settings, config);
    try {
      await client.findDuplicate({ locationId: config.locationId, email: CONNECTION_TEST_EMAIL });
      const limits = client.lastRateLimit;
      return ok(c, {
        ok: true,
        status: 200,
        message: `connected to location ${config.locationId}`,
        rate_limit: limits
          ? { max: limits.max, remaining: limits.remaining, interval_ms: limits.intervalMs, daily_remaining: limits.dailyRemaining }
          : null,
      });
    } catch (error) {
      if (!(error instanceof HighLevelError)) throw error;
      return ok(c, { ok: false, status: error.status || null, message: error.message, rate_limit: null });
    }
  });

  app.openapi(startSyncRoute, async (c) => {
    const { db, temporal, queues } = c.get('deps');
    const leadIds = normaliseLeadSelection(c.req.valid('json')?.lead_ids ?? []);
    if (leadIds.length > 0) {
      const known = await existingLeadIds(db, leadIds);
      const missing = leadIds.filter((id) => !known.has(id));
      if (missing.length > 0) return fail(c, 404, 'NOT_FOUND', `unknown lead ids: ${missing.slice(0, 20).join(', ')}`, { missing });
    }
    if (!(await isCrmConfigured(db))) {
      return fail(c, 409, 'CONFLICT', 'HighLevel is not configured: PUT /api/summit/config first');
    }
    const workflowId = crmSyncWorkflowId(leadIds);
    try {
      const handle = await temporal.workflow.start<typeof syncLeadsToCrmWorkflow>('syncLeadsToCrmWorkflow', {
        workflowId,
        taskQueue: queues.workflows,
        args: [{ leadIds }],
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [{ key: SourceAttribute, value: 'highlevel' }],
      });
      return okWithStatus(
        c,
        { workflow_id: workflowId, run_id: handle.firstExecutionRunId, selection: leadIds.length === 0 ? ('pending' as const) : ('leads' as const), lead_count: leadIds.length === 0 ? null : leadIds.length },
        202,
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        return fail(c, 409, 'CONFLICT', `a sync of this selection is already running (${workflowId})`, { workflow_id: workflowId });
      }
      const message = error instanceof Error ? error.message : String(error);
      return fail(c, 503, 'UNAVAILABLE', `could not start the sync: ${message}`);
    }
  });

  app.openapi(syncStatusRoute, async (c) => {
    const { db, temporal } = c.get('deps');
    const [counts, run] = await Promise.all([leadCountsByStatus(db), latestSyncRun(db)]);
    if (!run) return ok(c, { counts, last_run: null });
    let live = { processed: run.processed, created: run.created, updated: run.updated, skipped: run.skipped, failed: run.failed, requests: run.requests };
    if (run.status === 'running') {
      // The workflow knows more than the last batch written; without a worker the stored row answers.
      const progress = await temporal
        .withDeadline(Date.now() + PROGRESS_QUERY_DEADLINE_MS, () => temporal.workflow.getHandle(run.workflowId).query(crmSyncProgressQuery))
        .catch(() => null);
      if (progress && progress.processed >= live.processed) {
        const { processed, created, updated, skipped, failed, requests } = progress;
        live = { processed, created, updated, skipped, failed, requests };
      }
    }
    return ok(c, {
      counts,
      last_run: {
        workflow_id: run.workflowId,
        selection: run.selection,
        status: run.status,
        total: run.total,
        ...live,
        error_message: run.errorMessage,
        started_at: run.startedAt.toISOString(),
        finished_at: run.finishedAt?.toISOString() ?? null,
      },
    });
  });
}
