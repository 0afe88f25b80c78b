import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for the configured origins (CORS_ORIGINS); none by default. Preflights are answered before
 * authentication, as browsers send them without the API key. Credentials are allowed only to origins
 * named one by one: never with `*`, which would hand them to any site.
 */
export function corsForOrigins(origins: readonly string[]): MiddlewareHandler {
  const anyOrigin = origins.includes('*');
  return cors({
    origin: anyOrigin ? '*' : [...origins],
    credentials: !anyOrigin && origins.length > 0,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    maxAge: 600,
  });
}
