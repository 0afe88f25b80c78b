import { createRoute, z } from '@hono/zod-openapi';
import { runSelfTest } from '../../services/platform/self-test';
import { errorResponses, jsonContent, ok, successResponse } from '../envelope';
import { createRouter, type Router } from '../router';

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
  request: { body: { required: false, ...jsonContent(selfTestRequest) } },
  responses: {
    200: successResponse('The round trip succeeded', selfTestSchema),
    ...errorResponses(400, 401, 503),
  },
});

/** The platform routes, as a sub-app joined into the API by `api/app.ts`. */
export function platformRoutes(): Router {
  const app = createRouter();
  app.openapi(selfTestRoute, async (c) => {
    const body = c.req.valid('json') ?? { include_browser: false };
    const { workflowId, result, elapsedMs } = await runSelfTest(c.get('deps'), { includeBrowser: body.include_browser });
    return ok(c, {
      workflow_id: workflowId,
      database_round_trip_ms: result.database.roundTripMs,
      worker_identity: result.database.workerIdentity,
      browser_version: result.browser?.browserVersion ?? null,
      elapsed_ms: elapsedMs,
    });
  });
  return app;
}
