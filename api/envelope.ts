import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { integerParameter } from './input-schemas';

/** Every response, success or failure, has this one shape. */
export const apiErrorSchema = z
  .object({
    code: z.string().openapi({ example: 'VALIDATION_ERROR' }),
    message: z.string().openapi({ example: 'limit: Too big: expected number to be <=1000' }),
    details: z.unknown().optional(),
  })
  .openapi('ApiError');

export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data, error: z.null() });
}

export const errorEnvelopeSchema = z
  .object({ success: z.literal(false), data: z.null(), error: apiErrorSchema })
  .openapi('ErrorEnvelope');

export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UPSTREAM_ERROR'
  | 'UNAVAILABLE'
  | 'INTERNAL_ERROR';

export function ok<T>(c: Context, data: T) {
  return c.json({ success: true as const, data, error: null }, 200);
}

/** A success envelope with another status than 200 (201 created, 202 accepted, 503 for health). */
export function okWithStatus<T, S extends ContentfulStatusCode>(c: Context, data: T, status: S) {
  return c.json({ success: true as const, data, error: null }, status);
}

export function fail<S extends ContentfulStatusCode>(
  c: Context,
  status: S,
  code: ErrorCode,
  message: string,
  details?: unknown,
) {
  const error: { code: string; message: string; details?: unknown } = { code, message };
  if (details !== undefined) error.details = details;
  return c.json({ success: false as const, data: null, error }, status);
}

export const errorDescriptions = {
  400: 'Invalid request',
  401: 'Missing or wrong API key',
  404: 'Not found',
  409: 'Conflicts with a running job',
  413: 'The body is larger than API_MAX_BODY_BYTES',
  415: 'The body is not JSON (Content-Type application/json)',
  502: 'The external source failed',
  503: 'A dependency is unavailable',
} as const;
type ErrorStatus = keyof typeof errorDescriptions;
type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof errorEnvelopeSchema } } };

/** Error responses a route may give, for the OpenAPI document (and typed handler returns). */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): { [K in S]: ErrorResponse } {
  const responses = {} as { [K in S]: ErrorResponse };
  for (const status of statuses) {
    responses[status] = {
      description: errorDescriptions[status],
      content: { 'application/json': { schema: errorEnvelopeSchema } },
    };
  }
  return responses;
}

/** A JSON response body for the OpenAPI document. */
export const jsonContent = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

/** A 200 (or other success) response whose body is the success envelope around `schema`. */
export const successResponse = <T extends z.ZodType>(description: string, schema: T) => ({ description, ...jsonContent(successEnvelope(schema)) });

/** Where a keyset-paginated list goes on, and how long it is. */
export const paginationSchema = z
  .object({
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    total: z.number().openapi({ description: 'Rows matching the filters: counted, or estimated when total_is_estimate' }),
    total_is_estimate: z.boolean().openapi({ description: 'The total is the planner’s estimate (a large list), not a count' }),
  })
  .openapi('Pagination');

/** The keyset page of a list as the service returns it. */
export interface ListPageResult<Row> {
  rows: Row[];
  nextCursor: string | null;
  total: number;
  totalIsEstimate: boolean;
}

export const paginationOf = (page: Omit<ListPageResult<unknown>, 'rows'>) => ({
  next_cursor: page.nextCursor,
  total: page.total,
  total_is_estimate: page.totalIsEstimate,
});

/** A 200 response of a keyset-paginated list: the rows as `data`, the `pagination` beside it. */
export const listResponse = <T extends z.ZodType>(description: string, item: T) => ({
  description,
  ...jsonContent(successEnvelope(z.array(item)).extend({ pagination: paginationSchema })),
});

/** The success envelope of a keyset-paginated list. */
export function okList<T>(c: Context, data: T[], page: Omit<ListPageResult<unknown>, 'rows'>) {
  return c.json({ success: true as const, data, error: null, pagination: paginationOf(page) }, 200);
}

/** The `cursor` query parameter of a keyset-paginated list. */
export const cursorParameter = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, 'not base64url')
  .optional()
  .openapi({ description: 'The next_cursor of the previous page: the next page, read from an index at any depth. Not with offset.' });

/** Query parameters of a page-numbered list (a cursor, when given, takes the place of the page number). */
export function pageNumberQuery(options: { defaultLimit: number; maxLimit: number }) {
  return {
    limit: integerParameter({ min: 1, max: options.maxLimit }).default(options.defaultLimit),
    page: integerParameter({ min: 1, max: 10_000 })
      .default(1)
      .openapi({ description: 'Page number (kept for compatibility): slow at depth, every row before the page is read. Prefer cursor.' }),
    cursor: cursorParameter,
  };
}

/** A page of a list: the items under their own name, the total, the page and its size, the next cursor. */
export function pagedList<K extends string, T extends z.ZodType>(itemsName: K, item: T) {
  return z.object({ [itemsName]: z.array(item), ...paginationSchema.shape, page: z.number(), per_page: z.number() } as {
    [P in K]: z.ZodArray<T>;
  } & typeof paginationSchema.shape & { page: z.ZodNumber; per_page: z.ZodNumber });
}

/** Turns a zod error into one message that names each offending field. */
export function describeValidationError(error: z.ZodError): { message: string; details: unknown } {
  const issues = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  return { message: issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), details: issues };
}
