import { randomBytes } from 'node:crypto';
import { type CountryCode, parsePhoneNumberWithError, ParseError } from 'libphonenumber-js';
import { stringContactFields } from './contact-dtos';

export type MatchingField = 'email' | 'phone';

export interface StoredContact {
  id: string;
  locationId: string;
  dateAdded: string;
  dateUpdated: string;
  deleted: boolean;
  type: string;
  tags: string[];
  email: string | null;
  emailLowerCase: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  firstNameLowerCase: string | null;
  lastNameLowerCase: string | null;
  fullNameLowerCase: string | null;
  [field: string]: unknown;
}

export class PhoneRejected extends Error {}

export interface SearchFilter {
  field: string;
  operator: 'eq' | 'not_eq' | 'contains' | 'not_contains' | 'exists' | 'not_exists';
  value?: string;
}

export const searchOperators = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists'] as const;

function matchesFilter(contact: StoredContact, filter: SearchFilter): boolean {
  const raw = filter.field === 'email' ? contact.emailLowerCase : contact[filter.field];
  const values = (Array.isArray(raw) ? raw : raw === null || raw === undefined ? [] : [raw]).map((v) => String(v).toLowerCase());
  const wanted = (filter.value ?? '').toLowerCase();
  switch (filter.operator) {
    case 'eq':
      return values.includes(wanted);
    case 'not_eq':
      return !values.includes(wanted);
    case 'contains':
      return values.some((v) => v.includes(wanted));
    case 'not_contains':
      return !values.some((v) => v.includes(wanted));
    case 'exists':
      return values.length > 0;
    case 'not_exists':
      return values.length === 0;
  }
}

export type WriteResult =
  | { ok: true; contact: StoredContact }
  | { ok: false; duplicateOf: StoredContact; matchingField: MatchingField };

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function contactId(): string {
  return Array.from(randomBytes(20), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}

function lowerTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter((tag) => tag.length > 0))];
}

/**
 * HighLevel's contacts of every location, with its duplicate rule: with duplicates disallowed, an
 * email (case-insensitive) or an E.164 phone already on another contact of the location rejects the write.
 */
export class ContactStore {
  private readonly contacts = new Map<string, StoredContact>();

  constructor(
    private readonly options: { allowDuplicates: boolean; priority: readonly MatchingField[]; defaultCountry: string },
  ) {}

  /** The location setting "Allow Duplicate Contact". */
  setAllowDuplicates(allow: boolean): void {
    this.options.allowDuplicates = allow;
  }

  all(): StoredContact[] {
    return [...this.contacts.values()];
  }

  get(id: string): StoredContact | undefined {
    return this.contacts.get(id);
  }

  clear(): void {
    this.contacts.clear();
  }

  /** HighLevel stores phones as E.164, parsing input the way libphonenumber does (its error texts are libphonenumber's). */
  normalisePhone(raw: string): string {
    try {
      const parsed = parsePhoneNumberWithError(raw, this.options.defaultCountry as CountryCode);
      if (!parsed.isPossible()) throw new PhoneRejected('The string supplied did not seem to be a phone number');
      return parsed.number;
    } catch (error) {
      if (error instanceof PhoneRejected) throw error;
      if (error instanceof ParseError && error.message === 'TOO_LONG') {
        throw new PhoneRejected('The string supplied is too long to be a phone number');
      }
      throw new PhoneRejected('The string supplied did not seem to be a phone number');
    }
  }

  /** The contact a search for this email and/or phone finds, in the location's priority order. */
  findMatch(
    locationId: string,
    email: string | null,
    phone: string | null,
    excludeId?: string,
  ): { contact: StoredContact; field: MatchingField } | null {
    for (const field of this.options.priority) {
      const wanted = field === 'email' ? email?.toLowerCase() : phone;
      if (!wanted) continue;
      for (const contact of this.contacts.values()) {
        if (contact.locationId !== locationId || contact.id === excludeId || contact.deleted) continue;
        const value = field === 'email' ? contact.emailLowerCase : contact.phone;
        if (value === wanted) return { contact, field };
      }
    }
    return null;
  }

  create(locationId: string, fields: Record<string, unknown>): WriteResult {
    const phone = typeof fields.phone === 'string' && fields.phone !== '' ? this.normalisePhone(fields.phone) : null;
    const email = typeof fields.email === 'string' && fields.email !== '' ? fields.email.trim() : null;
    if (!this.options.allowDuplicates) {
      const match = this.findMatch(locationId, email, phone);
      if (match) return { ok: false, duplicateOf: match.contact, matchingField: match.field };
    }
    const now = new Date().toISOString();
    const contact: StoredContact = {
      id: contactId(),
      locationId,
      dateAdded: now,
      dateUpdated: now,
      deleted: false,
      type: 'lead',
      tags: lowerTags(Array.isArray(fields.tags) ? (fields.tags as string[]) : []),
      email: null,
      emailLowerCase: null,
      phone: null,
      firstName: null,
      lastName: null,
      firstNameLowerCase: null,
      lastNameLowerCase: null,
      fullNameLowerCase: null,
      country: this.options.defaultCountry,
    };
    this.apply(contact, { ...fields, email, phone });
    this.contacts.set(contact.id, contact);
    return { ok: true, contact };
  }

  update(contact: StoredContact, fields: Record<string, unknown>): WriteResult {
    const phone = typeof fields.phone === 'string' && fields.phone !== '' ? this.normalisePhone(fields.phone) : undefined;
    const email = typeof fields.email === 'string' && fields.email !== '' ? fields.email.trim() : undefined;
    if (!this.options.allowDuplicates) {
      const match = this.findMatch(contact.locationId, email ?? null, phone ?? null, contact.id);
      if (match) return { ok: false, duplicateOf: match.contact, matchingField: match.field };
    }
    const changes: Record<string, unknown> = { ...fields };
    if (phone !== undefined) changes.phone = phone;
    if (email !== undefined) changes.email = email;
    if (Array.isArray(fields.tags)) contact.tags = lowerTags(fields.tags as string[]);
    this.apply(contact, changes);
    contact.dateUpdated = new Date().toISOString();
    return { ok: true, contact };
  }

  /**
   * HighLevel's upsert: the contact matching the first field of the location's priority is updated.
   * When the other field belongs to a different contact it is silently not written (as HighLevel
   * does); `tags` replace the contact's tags. No match, or duplicates allowed and asked for: create.
   */
  upsert(locationId: string, fields: Record<string, unknown>, createNewIfDuplicateAllowed: boolean): { contact: StoredContact; created: boolean } {
    const phone = typeof fields.phone === 'string' && fields.phone !== '' ? this.normalisePhone(fields.phone) : null;
    const email = typeof fields.email === 'string' && fields.email !== '' ? fields.email.trim() : null;
    const match = this.options.allowDuplicates && createNewIfDuplicateAllowed ? null : this.findMatch(locationId, email, phone);
    if (!match) {
      const result = this.create(locationId, fields);
      if (!result.ok) throw new Error('upsert found no match but create saw a duplicate');
      return { contact: result.contact, created: true };
    }
    const changes: Record<string, unknown> = { ...fields, ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
    const otherField = match.field === 'email' ? 'phone' : 'email';
    const otherOwner = this.findMatch(locationId, otherField === 'email' ? email : null, otherField === 'phone' ? phone : null, match.contact.id);
    if (otherOwner) delete changes[otherField];
    if (Array.isArray(fields.tags)) match.contact.tags = lowerTags(fields.tags as string[]);
    this.apply(match.contact, changes);
    match.contact.dateUpdated = new Date().toISOString();
    return { contact: match.contact, created: false };
  }

  /** The contacts of a location passing every `{field, operator, value}` filter, oldest first. */
  search(locationId: string, filters: readonly SearchFilter[]): StoredContact[] {
    return this.all()
      .filter((contact) => contact.locationId === locationId && !contact.deleted)
      .filter((contact) => filters.every((filter) => matchesFilter(contact, filter)))
      .sort((a, b) => a.dateAdded.localeCompare(b.dateAdded) || a.id.localeCompare(b.id));
  }

  addTags(contact: StoredContact, tags: readonly string[]): string[] {
    contact.tags = lowerTags([...contact.tags, ...tags]);
    contact.dateUpdated = new Date().toISOString();
    return contact.tags;
  }

  removeTags(contact: StoredContact, tags: readonly string[]): string[] {
    const removed = new Set(lowerTags(tags));
    contact.tags = contact.tags.filter((tag) => !removed.has(tag));
    return contact.tags;
  }

  private apply(contact: StoredContact, fields: Record<string, unknown>): void {
    for (const field of stringContactFields) {
      if (field in fields) (contact as Record<string, unknown>)[field] = fields[field] ?? null;
    }
    if ('email' in fields) {
      contact.email = (fields.email as string | null) ?? null;
      contact.emailLowerCase = contact.email?.toLowerCase() ?? null;
    }
    if ('phone' in fields) contact.phone = (fields.phone as string | null) ?? null;
    for (const key of ['dnd', 'dndSettings', 'inboundDndSettings', 'customFields', 'dateOfBirth'] as const) {
      if (key in fields) contact[key] = fields[key];
    }
    contact.firstNameLowerCase = contact.firstName?.toLowerCase() ?? null;
    contact.lastNameLowerCase = contact.lastName?.toLowerCase() ?? null;
    const fullName = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
    contact.fullNameLowerCase = fullName ? fullName.toLowerCase() : null;
  }
}
