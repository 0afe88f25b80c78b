import type { HighLevelClient } from '../../clients/highlevel/client';
import {
  HighLevelBadRequestError,
  HighLevelDuplicateContactError,
  HighLevelResponseShapeError,
  HighLevelValidationError,
} from '../../clients/highlevel/errors';
import type { ContactFields } from '../../clients/highlevel/schemas';
import { CONTACT_SOURCE, type MappedContact, mapLeadToContact } from '../../domain/crm/contact-mapping';
import { type ContactUpdate, contactUpdateFor } from '../../domain/crm/contact-update';
import { emailMatchKey } from '../../domain/crm/email';
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
}

/** Errors about this lead's data: the lead is marked failed and the run goes on. Others stop the batch. */
function isLeadError(error: unknown): error is Error {
  return error instanceof HighLevelValidationError || error instanceof HighLevelBadRequestError || error instanceof HighLevelDuplicateContactError;
}

function identifiers(contact: MappedContact): ContactFields {
  return { ...(contact.email ? { email: contact.email } : {}), ...(contact.phone ? { phone: contact.phone } : {}) };
}

/**
 * Pushes one lead to HighLevel and saves the outcome. Never makes a second contact for a person:
 * a known contact id is reused; otherwise HighLevel's duplicate search decides; leads sharing an
 * email or phone take turns within the process; a create that still races another (a second
 * worker process; HighLevel answers "duplicate") becomes an update of the contact it names. A crash
 * between the create and the save is healed by the same search on the retry (the contact carries
 * the lead's email or phone).
 */
export async function syncLead(context: LeadSyncContext, item: LeadForSync): Promise<LeadOutcome> {
  if (item.outcomeInThisRun) return item.outcomeInThisRun;
  const { db, runKey, config } = context;
  const leadId = item.lead.id;
  await beginLeadAttempt(db, runKey, leadId);
  const mapping = mapLeadToContact(item.lead, config);
  if (!mapping.ok) {
    await finishLead(db, leadId, { outcome: 'skipped', contactId: null, note: mapping.reason });
    return 'skipped';
  }
  const note = mapping.contact.warnings.length > 0 ? mapping.contact.warnings.join('; ') : null;
  try {
    const contact = mapping.contact;
    const identities = [contact.email ? `email:${emailMatchKey(contact.email)}` : null, contact.phone ? `phone:${contact.phone}` : null];
    const { outcome, contactId } = await withIdentityLocks(
      identities.filter((key): key is string => key !== null),
      () => pushContact(context, leadId, contact, item.crmContactId ?? item.attemptContactId),
    );
    await finishLead(db, leadId, { outcome, contactId, note });
    return outcome;
  } catch (error) {
    if (error instanceof HighLevelResponseShapeError) {
      // Kept with the reason; the batch then retries (a malformed answer is usually a passing fault).
      await saveRejectedRecords(db, [
        { source: 'highlevel', entity: 'contact_response', externalId: String(leadId), reason: error.message, payload: error.rawBody, jobRef: runKey },
      ]);
    }
    if (!isLeadError(error)) throw error;
    await finishLead(db, leadId, { outcome: 'failed', contactId: null, note: `${error.name}: ${error.message}` });
    return 'failed';
  }
}

async function pushContact(
  context: LeadSyncContext,
  leadId: number,
  contact: MappedContact,
  knownContactId: string | null,
): Promise<{ outcome: 'created' | 'updated'; contactId: string }> {
  const { client, config, db } = context;
  if (knownContactId) {
    try {
      await updateAndTag(context, knownContactId, contact.details, contact.tags);
      return { outcome: 'updated', contactId: knownContactId };
    } catch (error) {
      // The contact was deleted in the CRM since: find or create it again below.
      if (!(error instanceof HighLevelBadRequestError && /not found/i.test(error.message))) throw error;
    }
  }
  const existing = await client.findDuplicate({ locationId: config.locationId, email: contact.email, phone: contact.phone });
  if (existing) {
    await recordAttemptContact(db, leadId, existing.id);
    await updateAndTag(context, existing.id, contactUpdateFor(contact, existing), contact.tags);
    return { outcome: 'updated', contactId: existing.id };
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
    await recordAttemptContact(db, leadId, created.id);
    return { outcome: 'created', contactId: created.id };
  } catch (error) {
    if (!(error instanceof HighLevelDuplicateContactError)) throw error;
    // Another lead of the same person created it between our search and our create.
    await recordAttemptContact(db, leadId, error.contactId);
    await updateAndTag(context, error.contactId, contact.details, contact.tags);
    return { outcome: 'updated', contactId: error.contactId };
  }
}

/** PUT without tags (they would replace the contact's), then the additive tags call. */
async function updateAndTag(context: LeadSyncContext, contactId: string, update: ContactUpdate, tags: string[]): Promise<void> {
  try {
    await context.client.updateContact(contactId, update);
  } catch (error) {
    // The identifier we meant to fill belongs to another contact: keep the contact's identity as it is.
    if (!(error instanceof HighLevelDuplicateContactError) || (!update.email && !update.phone)) throw error;
    const { email: _email, phone: _phone, ...details } = update;
    await context.client.updateContact(contactId, details);
  }
  await context.client.addTags(contactId, tags);
}
