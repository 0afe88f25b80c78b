import { z } from 'zod';

/**
 * Accela Civic Platform V4 response shapes, as recorded from the real API. Objects are loose: Accela
 * omits null keys and adds fields by agency, so only what the pipeline reads is declared.
 */
const valueText = z.looseObject({ value: z.string().optional(), text: z.string().optional() });

export const recordIdSchema = z.looseObject({
  id: z.string(),
  value: z.string().optional(),
  trackingId: z.number().optional(),
  customId: z.string().optional(),
  serviceProviderCode: z.string().optional(),
});

export const recordAddressSchema = z.looseObject({
  id: z.number().optional(),
  isPrimary: z.string().optional(),
  addressLine1: z.string().optional(),
  addressLine2: z.string().optional(),
  streetAddress: z.string().optional(),
  streetStart: z.number().optional(),
  houseAlphaStart: z.string().optional(),
  streetPrefix: z.string().optional(),
  direction: valueText.optional(),
  streetName: z.string().optional(),
  streetSuffix: valueText.optional(),
  unitStart: z.string().optional(),
  city: z.string().optional(),
  county: z.string().optional(),
  state: valueText.optional(),
  postalCode: z.string().optional(),
  country: valueText.optional(),
  xCoordinate: z.number().optional(),
  yCoordinate: z.number().optional(),
  recordId: recordIdSchema.optional(),
});

export const ownerSchema = z.looseObject({
  id: z.number().optional(),
  isPrimary: z.string().optional(),
  fullName: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  mailAddress: z
    .looseObject({
      addressLine1: z.string().optional(),
      city: z.string().optional(),
      state: valueText.optional(),
      postalCode: z.string().optional(),
      country: valueText.optional(),
    })
    .optional(),
  status: valueText.optional(),
});

export const parcelSchema = z.looseObject({
  id: z.string().optional(),
  parcelNumber: z.string().optional(),
  isPrimary: z.string().optional(),
  landValue: z.number().optional(),
  improvedValue: z.number().optional(),
  exemptionValue: z.number().optional(),
  parcelArea: z.number().optional(),
  section: z.number().optional(),
  lot: z.string().optional(),
  block: z.string().optional(),
  subdivision: valueText.optional(),
});

export const recordTypeSchema = z.looseObject({
  module: z.string().optional(),
  value: z.string().optional(),
  group: z.string().optional(),
  type: z.string().optional(),
  subType: z.string().optional(),
  category: z.string().optional(),
  text: z.string().optional(),
  id: z.string().optional(),
});

/** `yyyy-MM-dd HH:mm:ss` (agency-local, current form) or ISO 8601 (older documentation samples). */
export const accelaDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'not an Accela date-time');

export const recordSchema = z.looseObject({
  id: z.string().min(1),
  value: z.string().optional(),
  customId: z.string().optional(),
  trackingId: z.number().optional(),
  serviceProviderCode: z.string().optional(),
  module: z.string().optional(),
  type: recordTypeSchema.optional(),
  status: valueText.optional(),
  description: z.string().optional(),
  openedDate: accelaDateTime,
  updateDate: accelaDateTime.optional(),
  statusDate: accelaDateTime.optional(),
  addresses: z.array(recordAddressSchema).optional(),
  owners: z.array(ownerSchema).optional(),
  parcels: z.array(parcelSchema).optional(),
});
export type AccelaRecord = z.infer<typeof recordSchema>;
export type AccelaAddress = z.infer<typeof recordAddressSchema>;
export type AccelaOwner = z.infer<typeof ownerSchema>;
export type AccelaParcel = z.infer<typeof parcelSchema>;

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

export const childListEnvelopeSchema = <T extends z.ZodType>(item: T) =>
  z.looseObject({ status: z.number().int().optional(), result: z.array(item).optional() });

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
