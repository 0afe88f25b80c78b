import { normaliseEmail } from './email';
import { normalisePhone } from './phone';
import { contactTags, type LeadTier } from './tags';

/** The lead fields the CRM sync reads (a row of `leads`). */
export interface CrmLead {
  id: number;
  tier: LeadTier;
  score: number;
  ownerName: string | null;
  ownerPhone: string | null;
  ownerEmail: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
}

export interface CrmSyncSettings {
  locationId: string;
  defaultTags: readonly string[];
  defaultPhoneCountry: string;
}

/** Contact fields Prospector owns; identifiers (email, phone) are handled apart because they decide matching. */
export interface ContactDetails {
  firstName?: string;
  lastName?: string;
  name?: string;
  address1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
}

export interface MappedContact {
  email: string | null;
  phone: string | null;
  details: ContactDetails;
  tags: string[];
  /** Why an identifier was dropped (an unparseable phone, say), kept as the lead's sync note. */
  warnings: string[];
}

export type LeadMapping = { ok: true; contact: MappedContact } | { ok: false; reason: string };

export const CONTACT_SOURCE = 'Prospector';

/** "Jane Q. Doe" → first "Jane Q.", last "Doe"; a single word is a first name. */
export function splitOwnerName(fullName: string): { firstName?: string; lastName?: string } {
  const words = fullName.trim().split(/\s+/).filter((word) => word.length > 0);
  if (words.length === 0) return {};
  if (words.length === 1) return { firstName: words[0] };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1] };
}

function present(value: string | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * What a lead becomes in HighLevel. A lead with neither a usable phone nor a usable email cannot be
 * matched to a person, so it is not synced (the reason says why).
 */
export function mapLeadToContact(lead: CrmLead, settings: CrmSyncSettings): LeadMapping {
  const email = normaliseEmail(lead.ownerEmail);
  const phone = normalisePhone(lead.ownerPhone, settings.defaultPhoneCountry);
  if (!email.ok && !phone.ok) return { ok: false, reason: `no usable phone or email (${phone.reason}; ${email.reason})` };
  const warnings = [email, phone].flatMap((result) =>
    !result.ok && !result.reason.startsWith('no ') ? [result.reason] : [],
  );
  const name = present(lead.ownerName);
  const details: ContactDetails = {
    ...(name ? { name, ...splitOwnerName(name) } : {}),
    ...(present(lead.address) ? { address1: present(lead.address) } : {}),
    ...(present(lead.city) ? { city: present(lead.city) } : {}),
    ...(present(lead.state) ? { state: present(lead.state) } : {}),
    ...(present(lead.postalCode) ? { postalCode: present(lead.postalCode) } : {}),
  };
  return {
    ok: true,
    contact: {
      email: email.ok ? email.email : null,
      phone: phone.ok ? phone.e164 : null,
      details,
      tags: contactTags(settings.defaultTags, lead.tier),
      warnings,
    },
  };
}
