import type { Database } from './database';

export interface RejectedRecord {
  source: string;
  entity: string;
  externalId?: string | null;
  reason: string;
  payload: unknown;
  jobRef?: string | null;
}

/** Keeps records that could not be parsed, with the reason, in one statement for the whole batch. */
export async function saveRejectedRecords(db: Pick<Database, 'query'>, records: readonly RejectedRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO rejected_records (source, entity, external_id, reason, payload, job_ref)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      records.map((r) => r.source),
      records.map((r) => r.entity),
      records.map((r) => r.externalId ?? null),
      records.map((r) => r.reason),
      records.map((r) => (typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload))),
      records.map((r) => r.jobRef ?? null),
    ],
  );
  return result.rowCount ?? 0;
}
