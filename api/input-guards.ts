import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { fail } from './envelope';

/** Refuses a body larger than `maxBytes` with 413 while it arrives, before anything parses it. */
export function limitBodySize(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => fail(c, 413, 'PAYLOAD_TOO_LARGE', `the request body is larger than the limit of ${maxBytes} bytes`),
  });
}

const NUL = '\u0000';
const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';
// The media types the routes' JSON validator parses (as @hono/zod-openapi recognises them).
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json/i;

/** A name as it can be printed in a message: a NUL inside it shown as `\u0000`. */
const printable = (name: string) => JSON.stringify(name).slice(1, -1);

interface Visit {
  value: unknown;
  key?: string;
  parent?: Visit;
}

const MAX_PATH_KEYS = 20;

/** The field's path; that of a field nested deeper than anyone writes shortened, to keep the message short. */
function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(printable(at.key));
  keys.reverse();
  if (keys.length > MAX_PATH_KEYS) return [...keys.slice(0, MAX_PATH_KEYS), '…'].join('.');
  return keys.length > 0 ? keys.join('.') : '(body)';
}

/** The first field (as `a.b.0`, the way validation errors name fields) whose key or string value holds a NUL. */
function fieldHoldingNul(body: unknown): string | undefined {
  // Iterative, each visit linked to its parent: a deeply nested body costs neither stack nor copies.
  const pending: Visit[] = [{ value: body }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const { value, key } = visit;
    if (key?.includes(NUL) || (typeof value === 'string' && value.includes(NUL))) return pathOf(visit);
    if (value === null || typeof value !== 'object') continue;
    // Pushed last to first, so fields are looked at in the order they were sent.
    for (const [childKey, child] of Object.entries(value).reverse()) pending.push({ value: child, key: childKey, parent: visit });
  }
  return undefined;
}

async function fieldWithNul(c: Context): Promise<string | undefined> {
  if (c.req.path.includes(NUL)) return 'path';
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (name.includes(NUL) || values.some((value) => value.includes(NUL))) return printable(name);
  }
  const contentType = c.req.header('content-type');
  if (!c.req.raw.body || !contentType || !JSON_MEDIA_TYPE.test(contentType)) return undefined;
  const text = await c.req.text();
  // JSON can carry a NUL only as this escape (a raw one is invalid JSON): most bodies need no second look.
  if (!text.includes('\\u0000')) return undefined;
  try {
    return fieldHoldingNul(JSON.parse(text));
  } catch {
    return undefined; // not JSON: the route's validator says so
  }
}

/**
 * Refuses, on every route, a NUL character (U+0000) in the path, a query parameter or any key or
 * string of a JSON body, with 400 naming the field: PostgreSQL text cannot store it. The body is
 * read through Hono's cache, so the route's validator does not read it again.
 */
export const rejectNulCharacters: MiddlewareHandler = async (c, next) => {
  const field = await fieldWithNul(c);
  if (field !== undefined) return fail(c, 400, 'VALIDATION_ERROR', `${field}: ${NUL_MESSAGE}`, [{ field, message: NUL_MESSAGE }]);
  await next();
};
