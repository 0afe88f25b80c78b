import { z } from 'zod';
import { InvalidRequestError } from './errors';

/**
 * The opaque cursor of a keyset-paginated list: base64url of JSON `{ "l": list, "k": [sort keys…, id] }`,
 * the position of the last row of a page. The list's name is inside, so a cursor of one list is refused by
 * another; each list states the shape of its keys, so a forged or truncated cursor is refused here, as a
 * clear error, before any SQL sees it.
 */

/** A cursor that is not one this list gave out (a 400 through the API's error mapping). */
export class InvalidCursorError extends InvalidRequestError {
  constructor(reason: string) {
    super(`cursor: ${reason}; pass back the next_cursor of a previous page unchanged`);
  }
}

/** The largest cursor accepted: a position is a few keys, never more. */
const MAX_CURSOR_LENGTH = 512;

/** A cursor codec for one list, whose position is its sort keys then the row's id, each as text. */
export interface ListCursor {
  encode(position: readonly string[]): string;
  /** The position in `cursor`; InvalidCursorError when it is not a cursor of this list. */
  decode(cursor: string): string[];
}

export function listCursor(list: string, keys: readonly [z.ZodType<string>, ...z.ZodType<string>[]]): ListCursor {
  const envelope = z.strictObject({ l: z.literal(list), k: z.tuple(keys as [z.ZodType<string>, ...z.ZodType<string>[]]) });
  return {
    encode: (position) => Buffer.from(JSON.stringify({ l: list, k: position })).toString('base64url'),
    decode(cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError(`longer than ${MAX_CURSOR_LENGTH} characters`);
      if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError('not base64url');
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError('not an encoded position');
      }
      const parsed = envelope.safeParse(json);
      if (!parsed.success) {
        const wrongList = typeof json === 'object' && json !== null && 'l' in json && (json as { l: unknown }).l !== list;
        throw new InvalidCursorError(wrongList ? `not a cursor of the ${list} list` : 'not a position in this list');
      }
      return parsed.data.k as string[];
    },
  };
}

/**
 * Key shapes the lists sort by. Each key travels as the text PostgreSQL prints for it (exact: no float or
 * time-zone rounding on the way through JavaScript) and is compared back as that type.
 */
export const cursorKey = {
  /** A row id (bigserial). */
  id: z.string().regex(/^[1-9]\d{0,17}$/, 'an id'),
  /** A score or other integer. */
  integer: z.string().regex(/^-?\d{1,9}$/, 'an integer'),
  /** A fixed-point decimal (numeric). */
  decimal: z.string().regex(/^-?\d{1,12}(\.\d{1,8})?$/, 'a decimal'),
  /** A timestamp (`yyyy-MM-dd HH:mm:ss[.ffffff][+zz[:zz]]`), or `-infinity` standing for none. */
  timestamp: z.union([
    z.literal('-infinity'),
    z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?)?$/, 'a timestamp'),
  ]),
  /** A text key such as an advert id. */
  text: z.string().min(1).max(100),
};

/** The page of a list and where the next one starts: rows fetched are `limit + 1`; the extra one says more follow. */
export function pageWithNextCursor<Row>(
  rows: readonly Row[],
  limit: number,
  cursor: ListCursor,
  positionOf: (row: Row) => readonly string[],
): { rows: Row[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows: [...rows], nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: cursor.encode(positionOf(page[page.length - 1]!)) };
}
