import { randomUUID } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { SourceAttribute } from '../../platform/search-attributes';
import type { platformSelfTestWorkflow } from '../../workflows/platform/self-test';
import type { AppEnv } from '../dependencies';
import { errorResponses, fail, ok, successEnvelope } from '../envelope';

const SELF_TEST_TIMEOUT_MS = 60_000;

const selfTestRequest = z
  .strictObject({ include_browser: z.boolean().default(false) })
  .openapi('SelfTestRequest');

const selfTestSchema = z
  .object({
    workflow_id: z.string(),
    database_round_trip_ms: z.number(),
    worker_identity: z.string(),
    browser_version: z.string().nullable(),
    elapsed_ms: z.number(),
  })
  .openapi('SelfTest');

const selfTestRoute = createRoute({
  method: 'post',
  path: '/api/platform/self-test',
  tags: ['Platform'],
  summary: 'Run a workflow through the workers to PostgreSQL (and optionally Chromium) and back',
  request: { body: { required: false, content: { 'application/json': { schema: selfTestRequest } } } },
  responses: {
    200: { description: 'The round trip succeeded', content: { 'application/json': { schema: successEnvelope(selfTestSchema) } } },
    ...errorResponses(400, 401, 503),
  },
});

export function registerPlatformRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(selfTestRoute, async (c) => {
    const { temporal, queues } = c.get('deps');
    const body = c.req.valid('json') ?? { include_browser: false };
    const workflowId = `platform-self-test:${randomUUID()}`;
    const started = performance.now();
    try {
      const result = await temporal.workflow.execute<typeof platformSelfTestWorkflow>('platformSelfTestWorkflow', {
        workflowId,
        taskQueue: queues.workflows,
        args: [{ includeBrowser: body.include_browser }],
        workflowExecutionTimeout: `${SELF_TEST_TIMEOUT_MS} milliseconds`,
        typedSearchAttributes: [{ key: SourceAttribute, value: 'platform' }],
      });
      return ok(c, {
        workflow_id: workflowId,
        database_round_trip_ms: result.database.roundTripMs,
        worker_identity: result.database.workerIdentity,
        browser_version: result.browser?.browserVersion ?? null,
        elapsed_ms: Math.round(performance.now() - started),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail(c, 503, 'UNAVAILABLE', `self-test did not complete: ${message}`, { workflow_id: workflowId });
    }
  });
}
