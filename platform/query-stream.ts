import { Readable } from 'node:stream';
import QueryStream from 'pg-query-stream';
import type { Database } from './database';

/** Rows fetched per round trip: enough to keep the connection busy, few enough that memory stays flat. */
const ROWS_PER_FETCH = 500;

/**
 * The rows of a query as an object stream read through a server-side cursor, `ROWS_PER_FETCH` at a
 * time and only as fast as the consumer reads: memory stays flat whatever the result's size. The pool
 * connection is held until the stream ends, fails or is destroyed (a client that hangs up).
 */
export async function streamRows(db: Database, query: { text: string; values: unknown[] }): Promise<Readable> {
  const client = await db.connect();
  const rows: Readable = client.query(new QueryStream(query.text, query.values, { batchSize: ROWS_PER_FETCH }));
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    // A connection left mid-cursor is dropped rather than handed to the next caller.
    client.release(error ?? (rows.readableEnded ? undefined : new Error('export stream ended early')));
  };
  rows.once('error', release);
  rows.once('close', () => release());
  return rows;
}
