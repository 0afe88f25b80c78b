import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { logger } from '../platform/logger';
import { httpRequestDuration, httpRequestsTotal, metricsRegistry } from '../platform/metrics';
import { requireApiKey } from './auth';
import type { ApiDependencies, AppEnv } from './dependencies';
import { describeValidationError, fail } from './envelope';
import { registerCountyRoutes } from './routes/counties';
import { registerCrmRoutes } from './routes/crm';
import { registerDealsRoutes } from './routes/deals';
import { registerDocsRoutes } from './routes/docs';
import { registerHealthRoutes } from './routes/health';
import { registerPermitJobRoutes } from './routes/permit-jobs';
import { registerPermitDataRoutes } from './routes/permits';
import { registerPlatformRoutes } from './routes/platform';
import { registerOpportunityRoutes } from './routes/opportunity';
import { registerRegistrationRoutes } from './routes/registrations';
import { registerScrapeRoutes } from './routes/scrape';

/** A Hono app whose request validation failures become 400 envelopes naming the field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const { message, details } = describeValidationError(result.error);
        return fail(c, 400, 'VALIDATION_ERROR', message, details);
      }
    },
  });
}

export function createApp(deps: ApiDependencies) {
  const app = createRouter();

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    const started = performance.now();
    await next();
    // The matched pattern, not the raw path, keeps metric cardinality bounded.
    const route = c.res.status === 404 && c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
    httpRequestsTotal.inc({ method: c.req.method, route, status: String(c.res.status) });
    httpRequestDuration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
  });

  const authenticate = requireApiKey(deps.settings.API_KEYS);
  app.use('/api/*', async (c, next) => {
    if (c.req.method === 'GET' && c.req.path === '/api/health') return next();
    return authenticate(c, next);
  });

  registerDocsRoutes(app);
  registerHealthRoutes(app);
  registerPlatformRoutes(app);
  registerCountyRoutes(app);
  registerPermitJobRoutes(app);
  registerPermitDataRoutes(app);
  registerCrmRoutes(app);
  registerRegistrationRoutes(app);
  registerOpportunityRoutes(app);
  registerDealsRoutes(app);
  registerScrapeRoutes(app);

  app.get('/metrics', async (c) =>
    c.body(await metricsRegistry.metrics(), 200, { 'content-type': metricsRegistry.contentType }),
  );

  app.notFound((c) => fail(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      // Hono's own validators throw these, e.g. for a body that is not JSON.
      return fail(c, error.status === 400 ? 400 : error.status, error.status === 400 ? 'VALIDATION_ERROR' : 'INTERNAL_ERROR', error.message);
    }
    logger.error({ err: error, path: c.req.path }, 'unhandled API error');
    return fail(c, 500, 'INTERNAL_ERROR', 'Internal error; it has been logged');
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
