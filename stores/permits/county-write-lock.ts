import type pg from 'pg';

/** Advisory-lock class of a county's permit writes (any constant distinct from other lock users). */
export const COUNTY_WRITE_LOCK = 0x41435057; // "ACPW"

/**
 * Makes a county's permit and property writes take turns until the transaction ends. Pages of
 * different years run at once; a property's aggregate must see every permit committed before it, so
 * the writers of a county's permits and properties hold this lock (taking it again is free).
 * `tx` must be inside a transaction: outside one the lock would end with the statement.
 */
export async function lockCountyWrites(tx: pg.PoolClient, countyId: number): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [COUNTY_WRITE_LOCK, countyId]);
}
