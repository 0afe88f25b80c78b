import { z } from 'zod';

/**
 * An Accela Civic Platform V4 record as the permit pipeline reads it (recorded from the real API).
 * Objects are loose: Accela omits null keys and adds fields by agency, so only what the pipeline
 * reads is declared. Domain code validates records with it; the client reuses it for child lists.
 */
const valueText = z.looseObject({ value: z.string().optional(), text: z.string().optional() });

const recordIdSchema = z.looseObject({
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

const recordTypeSchema = z.looseObject({
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
const accelaDateTime = z
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
