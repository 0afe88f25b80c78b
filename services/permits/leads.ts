import { NotFoundError } from '../../domain/errors';
import type { Readable } from 'node:stream';
import { cursorKey, listCursor } from '../../domain/list-cursor';
import { type Database, withTransaction } from '../../platform/database';
import { ListQuery, type ListRequest, readList } from '../../platform/list-query';
import { streamRows } from '../../platform/query-stream';
import { refreshProperties } from '../../stores/permits/property-store';
import type { LeadTier } from './permits';

export type LeadSyncStatus = 'pending' | 'synced' | 'failed' | 'skipped';

export interface LeadListFilter {
  countyId?: number;
  tier?: LeadTier;
  syncStatus?: LeadSyncStatus;
}

export const leadListCursor = listCursor('leads', [cursorKey.integer, cursorKey.id]);

/** The statements `listLeads` runs (exported so a test can check their plans). */
export function leadListQuery(filter: LeadListFilter) {
  return new ListQuery('*', 'leads', ['score', 'id'])
    .filter(filter.countyId, (county) => `county_id = ${county}`)
    .filter(filter.tier, (tier) => `tier = ${tier}`)
    .filter(filter.syncStatus, (status) => `sync_status = ${status}`);
}

/** Every lead matching the filter, in the list's order, through a cursor (see `GET /api/leads/export`). */
export function exportLeads(db: Database, filter: LeadListFilter): Promise<Readable> {
  return streamRows(db, leadListQuery(filter).everyRow());
}

/** Leads, best score first. */
export function listLeads(db: Database, filter: LeadListFilter, request: ListRequest) {
  return readList(db, leadListQuery(filter), leadListCursor, request);
}

export async function setLeadNotes(db: Database, leadId: number, notes: string) {
  const { rows } = await db.query(`UPDATE leads SET notes = $2, updated_at = now() WHERE id = $1 RETURNING *`, [leadId, notes]);
  if (!rows[0]) throw new NotFoundError(`lead ${leadId} does not exist`);
  return rows[0];
}

/**
 * Re-aggregates the properties of these permits (scored as of today) and creates their leads where
 * they qualify. Returns the leads of those properties, the permits without one, and how many leads
 * are new. Unknown permit ids are a NotFoundError.
 */
export async function createLeadsFromPermits(db: Database, permitIds: readonly number[]) {
  const ids = [...new Set(permitIds)];
  const { rows } = await db.query<{ id: number; county_id: number; normalized_address: string | null }>(
    `SELECT id, county_id, normalized_address FROM permits WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  const missing = ids.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) throw new NotFoundError(`permits not found: ${missing.join(', ')}`);
  const asOf = new Date().toISOString().slice(0, 10);
  const byCounty = new Map<number, Set<string>>();
  for (const row of rows) if (row.normalized_address) byCounty.set(row.county_id, (byCounty.get(row.county_id) ?? new Set()).add(row.normalized_address));
  const leadsCreated = await withTransaction(db, async (tx) => {
    let created = 0;
    // Counties in id order: two calls lock the counties they share in the same order, so never deadlock.
    for (const countyId of [...byCounty.keys()].sort((a, b) => a - b)) {
      created += (await refreshProperties(tx, countyId, [...byCounty.get(countyId)!], asOf)).leadsCreated;
    }
    return created;
  });
  const leads = await db.query(
    `SELECT DISTINCT l.* FROM leads l JOIN permits p ON p.property_id = l.property_id WHERE p.id = ANY($1::bigint[]) ORDER BY l.id`,
    [ids],
  );
  const qualifying = await db.query<{ id: number }>(
    `SELECT p.id FROM permits p JOIN leads l ON l.property_id = p.property_id WHERE p.id = ANY($1::bigint[])`,
    [ids],
  );
  const qualifyingIds = new Set(qualifying.rows.map((row) => row.id));
  return { leads: leads.rows, notQualifyingPermitIds: ids.filter((id) => !qualifyingIds.has(id)), leadsCreated };
}
