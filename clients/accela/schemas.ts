import { z } from 'zod';

/**
 * Accela Civic Platform V4 response shapes, as recorded from the real API. Objects are loose: Accela
 * omits null keys and adds fields by agency, so only what the pipeline reads is declared.
 */
/** The record and its child lists are the domain's (domain/permits/accela-record.ts). */
export { ownerSchema, parcelSchema, recordAddressSchema } from '../../domain/permits/accela-record';

/** Lists carry `page` with a lower-case `hasmore` and no total; a 200 without `result` means no records. */
export const pageSchema = z.looseObject({
  offset: z.number().int(),
  limit: z.number().int(),
  hasmore: z.boolean(),
});

/** Records stay unknown here: each is validated alone so one bad record never loses the page. */
export const listEnvelopeSchema = z.looseObject({
  status: z.number().int().optional(),
  result: z.array(z.unknown()).optional(),
  page: pageSchema.optional(),
});

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  /** Seconds; the real API sends a number, the Swagger (and some endpoints) a string. */
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const oauthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});

export const v4ErrorSchema = z.looseObject({
  status: z.number().int(),
  code: z.string(),
  message: z.string().optional(),
  more: z.string().nullable().optional(),
  traceId: z.string().optional(),
});
