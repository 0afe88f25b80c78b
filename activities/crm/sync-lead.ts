import type { HighLevelClient } from '../../clients/highlevel/client';
import {
  HighLevelBadRequestError,
  HighLevelDuplicateContactError,
  HighLevelResponseShapeError,
  HighLevelValidationError,
} from '../../clients/highlevel/errors';
import type { ContactFields, HighLevelContact } from '../../clients/highlevel/schemas';
import { retryTransientHighLevelErrors, type TransientRetryOptions } from '../../clients/highlevel/transient-retry';
import { CONTACT_SOURCE, type LeadMapping, type MappedContact, mapLeadToContact } from '../../domain/crm/contact-mapping';
import { type ContactUpdate, contactUpdateFor } from '../../domain/crm/contact-update';
import { type ContactIdentifiers, duplicateSearches, identityKeys, linkedLeadGroups } from '../../domain/crm/linked-leads';
import type { Database } from '../../platform/database';
import { saveRejectedRecords } from '../../platform/rejects';
import { withIdentityLocks } from './identity-locks';
import type { CrmConfig } from '../../stores/crm/config';
import { beginLeadAttempt, finishLead, type LeadForSync, type LeadOutcome, recordAttemptContact } from '../../stores/crm/leads';

export interface LeadSyncContext {
  db: Pick<Database, 'query'>;
  client: HighLevelClient;
  config: CrmConfig;
  runKey: string;
  /** How a lead's push is tried again after a 429, 5xx or timeout (its signal also stops the group between leads). */
  retry: TransientRetryOptions;
}

/** Errors about this lead's data: the lead is marked failed and the run goes on. Others stop the batch. */
function isLeadError(error: unknown): error is Error {
  return error instanceof HighLevelValidationError || error instanceof HighLevelBadRequestError || error instanceof HighLevelDuplicateContactError;
}

/** HighLevel's answer for a contact id it no longer has (deleted in the CRM since). */
function isContactGone(error: unknown): boolean {
  return error instanceof HighLevelBadRequestError && /not found/i.test(error.message);
}

function identifiers(contact: MappedContact): ContactFields {
  return { ...(contact.email ? { email: contact.email } : {}), ...(contact.phone ? { phone: contact.phone } : {}) };
}

function identityOf(contact: HighLevelContact): ContactIdentifiers {
  return { email: contact.email ?? null, phone: contact.phone ?? null };
}

interface LeadEntry {
  item: LeadForSync;
  mapping: LeadMapping;
}

/**
 * A batch's leads in groups linked through shared emails and phones (domain/crm/linked-leads.ts),
 * each group in id order. A lead with nothing to match by is a group of its own.
 */
export function groupLeadsForSync(items: readonly LeadForSync[], config: CrmConfig): LeadEntry[][] {
  const entries = new Map(items.map((item) => [item.lead.id, { item, mapping: mapLeadToContact(item.lead, config) }]));
  const keys = (mapping: LeadMapping) => (mapping.ok ? identityKeys(mapping.contact) : []);
  return linkedLeadGroups([...entries.values()].map(({ item, mapping }) => ({ id: item.lead.id, keys: keys(mapping) }))).map((ids) =>
    ids.map((id) => entries.get(id)!),
  );
}

/**
 * The one contact a group of linked leads goes to: the contact one of its leads is known to have,
 * else what HighLevel's duplicate search finds for any of the group's emails and phones, else the
 * contact the group's first lead creates. `identity` is what the contact holds, when known.
 */
class GroupContact {
  private current: { id: string; identity: ContactIdentifiers | null } | null;
  private readonly gone = new Set<string>();

  constructor(
    private readonly context: LeadSyncContext,
    private readonly members: readonly ContactIdentifiers[],
    knownContactId: string | null,
  ) {
    this.current = knownContactId ? { id: knownContactId, identity: null } : null;
  }

  /** The group's contact, searching for it while none is known (a miss is not remembered: a lost create's retry must find it). */
  async find(): Promise<{ id: string; identity: ContactIdentifiers | null } | null> {
    if (this.current) return this.current;
    for (const query of duplicateSearches(this.members)) {
      const found = await this.context.client.findDuplicate({ locationId: this.context.config.locationId, ...query });
      if (found && !this.gone.has(found.id)) return (this.current = { id: found.id, identity: identityOf(found) });
    }
    return null;
  }

  /** Takes this contact for the group unless it has one; with `identity`, records what the contact now holds. */
  adopt(id: string, identity: ContactIdentifiers | null): void {
    if (!this.current || this.current.id === id) this.current = { id, identity: identity ?? this.current?.identity ?? null };
  }

  /** HighLevel no longer has this contact. */
  forget(id: string): void {
    this.gone.add(id);
    if (this.current?.id === id) this.current = null;
  }
}

/**
 * Pushes a group of linked leads to HighLevel as one unit, lead after lead, and saves each outcome.
 * Never makes a second contact for a person:
 * - the group's contact is settled before any create (a known contact id, else a search for every
 *   email and phone of the group), so no order of its leads makes two contacts that one lead links;
 * - leads of other groups sharing an email or phone (another batch of the process) wait their turn;
 * - a create that still races another worker process (HighLevel answers "duplicate") becomes an
 *   update of the contact it names;
 * - a transient error retries the lead's push, which searches again, so a create whose answer was
 *   lost is found rather than repeated; a crash between a create and its save is healed the same way.
 */
export async function syncLeadGroup(context: LeadSyncContext, group: readonly LeadEntry[], onOutcome: (outcome: LeadOutcome) => void): Promise<void> {
  const contacts = group.flatMap(({ mapping }) => (mapping.ok ? [mapping.contact] : []));
  const knownContactId = group.map(({ item }) => item.crmContactId ?? item.attemptContactId).find((id) => id !== null) ?? null;
  await withIdentityLocks(contacts.flatMap(identityKeys), async () => {
    const groupContact = new GroupContact(context, contacts, knownContactId);
    for (const entry of group) {
      // Cancelled (workflow cancelled, worker shutting down): finish this lead, start no more.
      if (context.retry.signal?.aborted) throw context.retry.signal.reason;
      onOutcome(await syncLead(context, groupContact, entry));
    }
  });
}

async function syncLead(context: LeadSyncContext, groupContact: GroupContact, { item, mapping }: LeadEntry): Promise<LeadOutcome> {
  if (item.outcomeInThisRun) return item.outcomeInThisRun;
  const { db, runKey } = context;
  const leadId = item.lead.id;
  await beginLeadAttempt(db, runKey, leadId);
  if (!mapping.ok) {
    await finishLead(db, leadId, { outcome: 'skipped', contactId: null, note: mapping.reason });
    return 'skipped';
  }
  const note = mapping.contact.warnings.length > 0 ? mapping.contact.warnings.join('; ') : null;
  const lead: LeadToPush = { id: leadId, contact: mapping.contact, ownContactId: item.crmContactId ?? item.attemptContactId };
  try {
    const { outcome, contactId } = await retryTransientHighLevelErrors(() => keepingMalformedAnswers(context, leadId, () => pushLead(context, groupContact, lead)), context.retry);
    await finishLead(db, leadId, { outcome, contactId, note });
    return outcome;
  } catch (error) {
    if (!isLeadError(error)) throw error;
    await finishLead(db, leadId, { outcome: 'failed', contactId: null, note: `${error.name}: ${error.message}` });
    return 'failed';
  }
}

/** A malformed answer is kept with its reason before the push is tried again (it is usually a passing fault). */
async function keepingMalformedAnswers<T>(context: LeadSyncContext, leadId: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HighLevelResponseShapeError) {
      await saveRejectedRecords(context.db, [
        { source: 'highlevel', entity: 'contact_response', externalId: String(leadId), reason: error.message, payload: error.rawBody, jobRef: context.runKey },
      ]);
    }
    throw error;
  }
}

interface LeadToPush {
  id: number;
  contact: MappedContact;
  /** The contact saved on the lead or by an earlier attempt; cleared when HighLevel no longer has it. */
  ownContactId: string | null;
}

/** One try at a lead: safe to repeat after a transient error, as everything learnt is kept in `lead` and `groupContact`. */
async function pushLead(context: LeadSyncContext, groupContact: GroupContact, lead: LeadToPush): Promise<{ outcome: 'created' | 'updated'; contactId: string }> {
  const { client, config, db } = context;
  const { contact } = lead;
  if (lead.ownContactId) {
    const contactId = lead.ownContactId;
    try {
      await updateAndTag(context, contactId, contact.details, contact.tags);
      groupContact.adopt(contactId, null);
      return { outcome: 'updated', contactId };
    } catch (error) {
      if (!isContactGone(error)) throw error;
      groupContact.forget(contactId);
      lead.ownContactId = null;
    }
  }
  for (;;) {
    const existing = await groupContact.find();
    if (!existing) break;
    await recordAttemptContact(db, lead.id, existing.id);
    try {
      const update = existing.identity ? contactUpdateFor(contact, existing.identity) : contact.details;
      groupContact.adopt(existing.id, identityOf(await updateAndTag(context, existing.id, update, contact.tags)));
      return { outcome: 'updated', contactId: existing.id };
    } catch (error) {
      // Known from another lead but deleted in the CRM since: search again.
      if (!isContactGone(error)) throw error;
      groupContact.forget(existing.id);
    }
  }
  try {
    const created = await client.createContact({
      locationId: config.locationId,
      ...contact.details,
      ...identifiers(contact),
      country: config.defaultPhoneCountry,
      source: CONTACT_SOURCE,
      // A new contact gets its tags in the create: the same result as add-tags, one request fewer.
      tags: contact.tags,
    });
    await recordAttemptContact(db, lead.id, created.id);
    groupContact.adopt(created.id, identityOf(created));
    return { outcome: 'created', contactId: created.id };
  } catch (error) {
    if (!(error instanceof HighLevelDuplicateContactError)) throw error;
    // Another process created it between our search and our create.
    await recordAttemptContact(db, lead.id, error.contactId);
    groupContact.adopt(error.contactId, null);
    await updateAndTag(context, error.contactId, contact.details, contact.tags);
    return { outcome: 'updated', contactId: error.contactId };
  }
}

/** PUT without tags (they would replace the contact's), then the additive tags call; the contact as the PUT left it. */
async function updateAndTag(context: LeadSyncContext, contactId: string, update: ContactUpdate, tags: string[]): Promise<HighLevelContact> {
  let updated: HighLevelContact;
  try {
    updated = await context.client.updateContact(contactId, update);
  } catch (error) {
    // The identifier we meant to fill belongs to another contact: keep the contact's identity as it is.
    if (!(error instanceof HighLevelDuplicateContactError) || (!update.email && !update.phone)) throw error;
    const { email: _email, phone: _phone, ...details } = update;
    updated = await context.client.updateContact(contactId, details);
  }
  await context.client.addTags(contactId, tags);
  return updated;
}
