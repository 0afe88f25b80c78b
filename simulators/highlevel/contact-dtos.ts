/**
 * The properties each request DTO of HighLevel's v2 contacts API accepts (CreateContactDto,
 * UpdateContactDto, TagsDTO). HighLevel whitelists them: any other property is a 422.
 */
export const createContactProperties = new Set([
  'firstName', 'lastName', 'name', 'email', 'locationId', 'gender', 'phone', 'address1', 'city', 'state',
  'postalCode', 'website', 'timezone', 'dnd', 'dndSettings', 'inboundDndSettings', 'tags', 'customFields',
  'source', 'dateOfBirth', 'country', 'companyName', 'assignedTo',
]);

export const upsertContactProperties = new Set([...createContactProperties, 'createNewIfDuplicateAllowed']);

/** No `locationId`, `gender` or `companyName` on update. */
export const updateContactProperties = new Set([
  'firstName', 'lastName', 'name', 'email', 'phone', 'address1', 'city', 'state', 'postalCode', 'website',
  'timezone', 'dnd', 'dndSettings', 'inboundDndSettings', 'tags', 'customFields', 'source', 'dateOfBirth',
  'country', 'assignedTo',
]);

export const tagsProperties = new Set(['tags']);

/** Fields stored as plain strings (the rest of a stored contact is derived or structured). */
export const stringContactFields = [
  'firstName', 'lastName', 'name', 'address1', 'city', 'state', 'postalCode', 'website', 'timezone', 'source',
  'country', 'companyName', 'assignedTo', 'gender',
] as const;
