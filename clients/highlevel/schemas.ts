import { z } from 'zod';

/**
 * HighLevel response shapes, as far as Prospector relies on them. Objects stay loose: the API adds
 * fields freely (`traceId`, `additionalEmails`, …) and the official schemas declare none required.
 */
export const contactSchema = z.looseObject({
  id: z.string().min(1),
  locationId: z.string().optional(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  tags: z.array(z.string()).optional(),
});
export type HighLevelContact = z.infer<typeof contactSchema>;

export const contactResponseSchema = z.looseObject({ contact: contactSchema });
export const updateContactResponseSchema = z.looseObject({ succeded: z.boolean().optional(), contact: contactSchema });
/** A miss is `{contact: null}` or has no `contact` at all (both observed). */
export const duplicateSearchResponseSchema = z.looseObject({ contact: contactSchema.nullish() });
export const tagsResponseSchema = z.looseObject({ tags: z.array(z.string()) });

export const errorBodySchema = z.looseObject({
  statusCode: z.number().optional(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
  error: z.string().optional(),
  meta: z
    .looseObject({
      contactId: z.string().optional(),
      contactName: z.string().nullish(),
      matchingField: z.string().optional(),
    })
    .optional(),
});
export type HighLevelErrorBody = z.infer<typeof errorBodySchema>;

/** The request bodies Prospector sends (a subset of CreateContactDto / UpdateContactDto / TagsDTO). */
export interface ContactFields {
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  address1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  source?: string;
}
export interface CreateContactBody extends ContactFields {
  locationId: string;
  tags?: string[];
}
export type UpdateContactBody = ContactFields;
