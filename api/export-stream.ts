import { pipeline, Readable, Transform } from 'node:stream';
import { z } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify';
import type { Context } from 'hono';
import { csvCells, type ExportColumn, type ExportFormat, exportFormatFor, jsonRecord } from '../domain/exports/export-columns';

/** The OpenAPI answer of an export route: CSV by default, JSON lines on request. */
export function exportContent(description: string) {
  return {
    description,
    content: {
      'text/csv': { schema: z.string().openapi({ description: 'RFC 4180 CSV with a header line' }) },
      'application/x-ndjson': { schema: z.string().openapi({ description: 'one JSON object per line' }) },
    },
  };
}

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' };

/**
 * Answers with every row of `rows` as CSV (a header line, then one line per row) or, when `Accept`
 * asks for `application/x-ndjson`, one JSON object per line; streamed with backpressure, so a slow
 * client slows the database cursor instead of filling memory. A failure after the first bytes can
 * only cut the response short: the client sees a truncated body, never a partial file ending cleanly.
 */
export function exportResponse(c: Context, rows: Readable, columns: readonly ExportColumn[], fileName: string): Response {
  const format = exportFormatFor(c.req.header('accept'));
  const encode =
    format === 'csv'
      ? [
          new Transform({ objectMode: true, transform: (row, _encoding, done) => done(null, csvCells(row, columns)) }),
          stringify({ header: true, columns: columns.map((column) => column.name) }),
        ]
      : [new Transform({ writableObjectMode: true, transform: (row, _encoding, done) => done(null, `${JSON.stringify(jsonRecord(row, columns))}\n`) })];
  const body = encode.at(-1)!;
  // On a failure or a client hanging up, pipeline destroys every stage, which closes the cursor.
  pipeline([rows, ...encode], () => undefined);
  return c.body(Readable.toWeb(body) as ReadableStream, 200, {
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="${fileName}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
    'cache-control': 'no-store',
  });
}
