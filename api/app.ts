import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { Registry } from 'prom-client';
import { logger } from '../platform/logger';
import { httpRequestDuration, httpRequestsTotal, metricsRegistry } from '../platform/metrics';
import { requireApiKey } from './auth';
import type { ApiDependencies } from './dependencies';
import { ConflictError, InvalidRequestError, NotFoundError, UnavailableError, UpstreamError } from '../domain/errors';
import { listingGauges } from '../services/listings/metrics';
import { workflowFailureGauge } from '../services/platform/workflow-metrics';
import { type ErrorCode, fail } from './envelope';
import { allowedMethodsOf, fixedPathMethodsOf } from './allowed-methods';
import { corsForOrigins } from './cors';
import { limitBodySize, rejectNulCharacters } from './input-guards';
import { createRouter } from './router';
import { countyRoutes } from './routes/counties';
import { crmRoutes } from './routes/crm';
import { dealRoutes } from './routes/deals';
import { registerDocsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { permitJobRoutes } from './routes/permit-jobs';
import { permitDataRoutes } from './routes/permits';
import { platformRoutes } from './routes/platform';
import { opportunityRoutes } from './routes/opportunity';
import { registrationRoutes } from './routes/registrations';
import { scrapeRoutes } from './routes/scrape';

/** The statuses Hono and its middleware raise as HTTPException (415 from a route's body validator), with their codes. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** How each kind of service error reaches the client: its status and error code. */
const SERVICE_ERROR_RESPONSES = [
  [NotFoundError, 404, 'NOT_FOUND'],
  [InvalidRequestError, 400, 'VALIDATION_ERROR'],
  [ConflictError, 409, 'CONFLICT'],
  [UpstreamError, 502, 'UPSTREAM_ERROR'],
  [UnavailableError, 503, 'UNAVAILABLE'],
] as const;

function methodNotAllowed(c: Context, allowed: string[]) {
  c.header('Allow', allowed.join(', '));
  return fail(c, 405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`);
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

  app.use('*', corsForOrigins(deps.settings.CORS_ORIGINS));
  const authenticate = requireApiKey(deps.settings.API_KEYS);
  app.use('/api/*', async (c, next) => {
    // Health is public: its GET needs no key, and another method on it is 405 rather than 401.
    if (c.req.path === '/api/health') return next();
    return authenticate(c, next);
  });
  // A method a fixed path lacks is 405 before a route with an {id} at that place can take the path
  // for an id; the routes are looked up on the first request, once every one is registered.
  let fixedPathMethods: ((path: string) => string[]) | undefined;
  app.use('*', async (c, next) => {
    fixedPathMethods ??= fixedPathMethodsOf(app.routes);
    const allowed = fixedPathMethods(c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method)) return next();
    return methodNotAllowed(c, allowed);
  });
  app.use('*', limitBodySize(deps.settings.API_MAX_BODY_BYTES));
  app.use('*', rejectNulCharacters);

  registerDocsRoutes(app);
  app.route('/', healthRoutes());
  app.route('/', platformRoutes());
  app.route('/', countyRoutes());
  app.route('/', permitJobRoutes());
  app.route('/', permitDataRoutes());
  app.route('/', crmRoutes());
  app.route('/', registrationRoutes());
  app.route('/', opportunityRoutes());
  app.route('/', dealRoutes());
  app.route('/', scrapeRoutes());

  // Gauges that read this app's database, built from its dependencies; merged per request so the
  // process registry's later metrics show too.
  const appMetrics = new Registry();
  for (const gauge of listingGauges(deps.db)) appMetrics.registerMetric(gauge);
  appMetrics.registerMetric(workflowFailureGauge(deps.temporal));
  app.get('/metrics', async (c) => {
    const registry = Registry.merge([metricsRegistry, appMetrics]);
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });

  // Every route is registered by now; unknown paths are 404, known paths asked with another method 405.
  const allowedMethods = allowedMethodsOf(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length === 0) return fail(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
    return methodNotAllowed(c, allowed);
  });
  app.onError((error, c) => {
    for (const [kind, status, code] of SERVICE_ERROR_RESPONSES) {
      if (error instanceof kind) return fail(c, status, code, error.message, error.details);
    }
    const code = error instanceof HTTPException ? HTTP_EXCEPTION_CODES[error.status] : undefined;
    if (error instanceof HTTPException && code) return fail(c, error.status, code, error.message);
    logger.error({ err: error, path: c.req.path }, 'unhandled API error');
    return fail(c, 500, 'INTERNAL_ERROR', 'Internal error; it has been logged');
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
