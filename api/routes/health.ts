import { createRoute, z } from '@hono/zod-openapi';
import { checkHealth } from '../../services/platform/health';
import { okWithStatus, successResponse } from '../envelope';
import { createRouter, type Router } from '../router';

const componentSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'down', 'unknown']),
  priority: z.enum(['critical', 'high', 'medium', 'low']),
  message: z.string(),
  response_time_ms: z.number().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const healthSchema = z
  .object({
    status: z.enum(['healthy', 'degraded', 'down']),
    uptime_seconds: z.number(),
    components: z.record(z.string(), componentSchema),
    summary: z.object({
      total: z.number(),
      healthy: z.number(),
      degraded: z.number(),
      down: z.number(),
      unknown: z.number(),
    }),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['Platform'],
  summary: 'Health of the database, Temporal, workers, encryption, configuration and the external sources (checked in the background)',
  security: [],
  responses: {
    200: successResponse('Healthy or degraded', healthSchema),
    503: successResponse('A critical component is down', healthSchema),
  },
});

/** The health routes, as a sub-app joined into the API by `api/app.ts`. */
export function healthRoutes(): Router {
  const app = createRouter();
  app.openapi(healthRoute, async (c) => {
    const report = await checkHealth(c.get('deps'));
    return report.status === 'down' ? okWithStatus(c, report, 503) : okWithStatus(c, report, 200);
  });
  return app;
}
