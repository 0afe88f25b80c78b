import { emailMatchKey, normaliseEmail } from './email';
import { normalisePhone } from './phone';

/**
 * Leads of one person must end on one HighLevel contact. Two leads are that person when they share
 * an email or a phone, directly or through other leads: A and B share an email, B and C a phone, so
 * A and C are one person although they share nothing. Such leads form a group that the sync batches,
 * searches for and writes as one unit, so that no order of processing makes two contacts for it.
 */

export interface ContactIdentifiers {
  email: string | null;
  phone: string | null;
}

/** The keys a contact is matched by: its email, case-insensitively, and its E.164 phone. */
export function identityKeys({ email, phone }: ContactIdentifiers): string[] {
  return [...(email ? [`email:${emailMatchKey(email)}`] : []), ...(phone ? [`phone:${phone}`] : [])];
}

/** The keys of a lead as stored (raw owner email and phone), normalised as the sync will send them. */
export function leadIdentityKeys(ownerEmail: string | null, ownerPhone: string | null, defaultPhoneCountry: string): string[] {
  const email = normaliseEmail(ownerEmail);
  const phone = normalisePhone(ownerPhone, defaultPhoneCountry);
  return identityKeys({ email: email.ok ? email.email : null, phone: phone.ok ? phone.e164 : null });
}

export interface LeadIdentity {
  id: number;
  keys: readonly string[];
}

/** The groups of leads linked through shared keys (connected components): each in id order, groups by their first lead. */
export function linkedLeadGroups(leads: readonly LeadIdentity[]): number[][] {
  // Union-find over lead ids; each key joins every lead that has it to the first lead seen with it.
  const parent = new Map<number, number>(leads.map((lead) => [lead.id, lead.id]));
  const root = (id: number): number => {
    let top = id;
    while (parent.get(top) !== top) top = parent.get(top)!;
    // Path compression: every lead on the way now points straight at the root.
    for (let next = id; next !== top; ) {
      const up = parent.get(next)!;
      parent.set(next, top);
      next = up;
    }
    return top;
  };
  const firstWithKey = new Map<string, number>();
  for (const lead of leads) {
    for (const key of lead.keys) {
      const other = firstWithKey.get(key);
      if (other === undefined) firstWithKey.set(key, lead.id);
      else parent.set(root(lead.id), root(other));
    }
  }
  const groups = new Map<number, number[]>();
  for (const lead of leads) {
    const top = root(lead.id);
    groups.set(top, [...(groups.get(top) ?? []), lead.id]);
  }
  return [...groups.values()].map((ids) => ids.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

/**
 * The next batch of whole groups: those whose first lead comes after `afterId`, in that order, until
 * the batch holds `limit` leads still to sync (a group larger than `limit` is one batch of its own).
 * The cursor is the first lead of the last group passed; a group with nothing left to sync is passed over.
 */
export function nextGroupBatch(
  groups: readonly (readonly number[])[],
  toSync: (leadId: number) => boolean,
  afterId: number,
  limit: number,
): { leadIds: number[]; cursor: number } {
  const leadIds: number[] = [];
  let cursor = afterId;
  const ahead = groups.filter((group) => group[0]! > afterId).sort((a, b) => a[0]! - b[0]!);
  for (const group of ahead) {
    if (leadIds.length >= limit) break;
    cursor = group[0]!;
    leadIds.push(...group.filter(toSync));
  }
  return { leadIds, cursor };
}

/**
 * Duplicate searches that together look for every email and every phone of a group. One search
 * takes one email and one phone and finds a contact holding either (HighLevel answers with one
 * contact, by the location's priority), so emails and phones are paired up.
 */
export function duplicateSearches(members: readonly ContactIdentifiers[]): ContactIdentifiers[] {
  const emails = new Map<string, string>();
  const phones = new Set<string>();
  for (const { email, phone } of members) {
    if (email && !emails.has(emailMatchKey(email))) emails.set(emailMatchKey(email), email);
    if (phone) phones.add(phone);
  }
  const emailList = [...emails.values()];
  const phoneList = [...phones];
  return Array.from({ length: Math.max(emailList.length, phoneList.length) }, (_, i) => ({
    email: emailList[i] ?? null,
    phone: phoneList[i] ?? null,
  }));
}
