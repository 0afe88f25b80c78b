import type { CrmLead } from '../../domain/crm/contact-mapping';
import type { Database } from '../../platform/database';

export type LeadOutcome = 'created' | 'updated' | 'skipped' | 'failed';

export interface LeadForSync {
  lead: CrmLead;
  crmContactId: string | null;
  /** The contact an earlier attempt created or matched but may not have saved on the lead. */
  attemptContactId: string | null;
  /** Set when this run already finished the lead (a retried batch must not redo it). */
  outcomeInThisRun: LeadOutcome | null;
}

export async function loadLeadsForSync(db: Pick<Database, 'query'>, runKey: string, leadIds: readonly number[]): Promise<LeadForSync[]> {
  const { rows } = await db.query(
    `SELECT l.id, l.tier, l.score, l.owner_name, l.owner_phone, l.owner_email, l.address, l.city, l.state, l.postal_code,
            l.crm_contact_id, a.contact_id AS attempt_contact_id,
            CASE WHEN a.run_key = $2 THEN a.outcome END AS outcome_in_this_run
       FROM leads l LEFT JOIN crm_lead_sync_attempts a ON a.lead_id = l.id
      WHERE l.id = ANY($1::bigint[])
      ORDER BY l.id`,
    [leadIds, runKey],
  );
  return rows.map((row) => ({
    lead: {
      id: row.id,
      tier: row.tier,
      score: row.score,
      ownerName: row.owner_name,
      ownerPhone: row.owner_phone,
      ownerEmail: row.owner_email,
      address: row.address,
      city: row.city,
      state: row.state,
      postalCode: row.postal_code,
    },
    crmContactId: row.crm_contact_id,
    attemptContactId: row.attempt_contact_id,
    outcomeInThisRun: row.outcome_in_this_run,
  }));
}

/** Records that this run is working on the lead, before any call to HighLevel. */
export async function beginLeadAttempt(db: Pick<Database, 'query'>, runKey: string, leadId: number): Promise<void> {
  await db.query(
    `INSERT INTO crm_lead_sync_attempts (lead_id, run_key) VALUES ($1, $2)
     ON CONFLICT (lead_id) DO UPDATE SET run_key = $2, outcome = NULL, attempts = crm_lead_sync_attempts.attempts + 1,
       started_at = now(), finished_at = NULL`,
    [leadId, runKey],
  );
}

/** Saved the moment HighLevel names the contact, so a crash before the lead is saved loses nothing. */
export async function recordAttemptContact(db: Pick<Database, 'query'>, leadId: number, contactId: string): Promise<void> {
  await db.query('UPDATE crm_lead_sync_attempts SET contact_id = $2 WHERE lead_id = $1', [leadId, contactId]);
}

export async function finishLead(
  db: Pick<Database, 'query'>,
  leadId: number,
  result: { outcome: LeadOutcome; contactId: string | null; note: string | null },
): Promise<void> {
  const status = result.outcome === 'created' || result.outcome === 'updated' ? 'synced' : result.outcome;
  await db.query(
    `WITH attempt AS (
       UPDATE crm_lead_sync_attempts SET outcome = $2, finished_at = now(), contact_id = COALESCE($3, contact_id)
        WHERE lead_id = $1
     )
     UPDATE leads SET sync_status = $4, crm_contact_id = COALESCE($3, crm_contact_id),
            synced_at = CASE WHEN $4 = 'synced' THEN now() ELSE synced_at END, sync_error = $5, updated_at = now()
      WHERE id = $1`,
    [leadId, result.outcome, result.contactId, status, result.note],
  );
}

/** A lead as a sync plans its batches: who it is, and whether this run still has to sync it. */
export interface LeadToPlan {
  id: number;
  ownerEmail: string | null;
  ownerPhone: string | null;
  toSync: boolean;
}

/**
 * The leads a run plans its batches over: the selection when one is given; otherwise the pending
 * leads plus those this run has taken already, so the groups a run forms stay as they were while
 * their leads get synced.
 */
export async function leadsToPlan(db: Pick<Database, 'query'>, runKey: string, selection: readonly number[]): Promise<LeadToPlan[]> {
  const finishedInThisRun = `a.run_key IS NOT DISTINCT FROM $1 AND a.outcome IS NOT NULL`;
  const { rows } =
    selection.length > 0
      ? await db.query(
          `SELECT l.id, l.owner_email, l.owner_phone, NOT (${finishedInThisRun}) AS to_sync
             FROM leads l LEFT JOIN crm_lead_sync_attempts a ON a.lead_id = l.id
            WHERE l.id = ANY($2::bigint[])`,
          [runKey, selection],
        )
      : await db.query(
          `SELECT l.id, l.owner_email, l.owner_phone, l.sync_status = 'pending' AND NOT (${finishedInThisRun}) AS to_sync
             FROM leads l LEFT JOIN crm_lead_sync_attempts a ON a.lead_id = l.id
            WHERE l.sync_status = 'pending' OR a.run_key = $1`,
          [runKey],
        );
  return rows.map((row) => ({ id: Number(row.id), ownerEmail: row.owner_email, ownerPhone: row.owner_phone, toSync: row.to_sync }));
}

/** Ids of pending leads after `afterId`, in id order (keyset paging: stable while leads are added). */
export async function pendingLeadIds(db: Pick<Database, 'query'>, afterId: number, limit: number): Promise<number[]> {
  const { rows } = await db.query(
    `SELECT id FROM leads WHERE sync_status = 'pending' AND id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  return rows.map((row) => Number(row.id));
}

export async function countPendingLeads(db: Pick<Database, 'query'>): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM leads WHERE sync_status = 'pending'`);
  return rows[0].n;
}

export async function leadCountsByStatus(db: Pick<Database, 'query'>): Promise<Record<'pending' | 'synced' | 'failed' | 'skipped', number>> {
  const { rows } = await db.query('SELECT sync_status, count(*)::int AS n FROM leads GROUP BY sync_status');
  const counts = { pending: 0, synced: 0, failed: 0, skipped: 0 };
  for (const row of rows) counts[row.sync_status as keyof typeof counts] = row.n;
  return counts;
}

export async function existingLeadIds(db: Pick<Database, 'query'>, leadIds: readonly number[]): Promise<Set<number>> {
  const { rows } = await db.query('SELECT id FROM leads WHERE id = ANY($1::bigint[])', [leadIds]);
  return new Set(rows.map((row) => Number(row.id)));
}
