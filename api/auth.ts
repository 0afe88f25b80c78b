import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { fail } from './envelope';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Requires one of the configured API keys, as `X-API-Key` or `Authorization: Bearer …`.
 * Keys are compared as SHA-256 digests with timingSafeEqual: constant time whatever their length.
 */
export function requireApiKey(apiKeys: readonly string[]): MiddlewareHandler {
  const expected = apiKeys.map(digest);
  return async (c, next) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    const presented = c.req.header('x-api-key') ?? bearer;
    if (!presented) return fail(c, 401, 'UNAUTHORIZED', 'API key required: send X-API-Key or Authorization: Bearer <key>');
    const presentedDigest = digest(presented.trim());
    let matched = false;
    for (const key of expected) matched = timingSafeEqual(key, presentedDigest) || matched;
    if (!matched) return fail(c, 401, 'UNAUTHORIZED', 'API key not recognised');
    await next();
  };
}
