import type { ContactDetails, MappedContact } from './contact-mapping';

export interface ExistingContactIdentity {
  email?: string | null;
  phone?: string | null;
}

export interface ContactUpdate extends ContactDetails {
  email?: string;
  phone?: string;
}

/**
 * The update sent to a contact the lead matched. Prospector's details overwrite; an identifier the
 * contact already has is never replaced, because another lead of the same person may have matched
 * on it (changing it would make the next such lead create a second contact).
 */
export function contactUpdateFor(mapped: MappedContact, existing: ExistingContactIdentity | null): ContactUpdate {
  const update: ContactUpdate = { ...mapped.details };
  if (existing && mapped.email && !existing.email) update.email = mapped.email;
  if (existing && mapped.phone && !existing.phone) update.phone = mapped.phone;
  return update;
}
