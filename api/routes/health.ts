import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  checkConfiguration,
  checkDatabase,
  checkEncryption,
  checkTemporal,
  checkWorkers,
  overallStatus,
  summarize,
} from '../health/components';
import type { AppEnv } from '../dependencies';
import { okWithStatus, successEnvelope } from '../envelope';

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
  summary: 'Health of the database, Temporal, workers, encryption and configuration',
  security: [],
  responses: {
    200: { description: 'Healthy or degraded', content: { 'application/json': { schema: successEnvelope(healthSchema) } } },
    503: { description: 'A critical component is down', content: { 'application/json': { schema: successEnvelope(healthSchema) } } },
  },
});

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(healthRoute, async (c) => {
    const deps = c.get('deps');
    const [database, temporal, workers] = await Promise.all([
      checkDatabase(deps.db),
      checkTemporal(deps.temporal, deps.namespace),
      checkWorkers(deps.temporal, deps.namespace, deps.queues, deps.db),
    ]);
    const components = {
      database,
      temporal,
      workers,
      encryption: checkEncryption(deps.settings.ENCRYPTION_KEY),
      configuration: checkConfiguration(deps.settings),
    };
    const status = overallStatus(components);
    const body = {
      status,
      uptime_seconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      components,
      summary: summarize(components),
    };
    return status === 'down' ? okWithStatus(c, body, 503) : okWithStatus(c, body, 200);
  });
}
