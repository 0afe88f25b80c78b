import type { Database } from './database';
import { InvalidRequestError } from '../domain/errors';
import { type ListCursor, pageWithNextCursor } from '../domain/list-cursor';
import { totalKnownFromPage } from '../domain/listings/page-total';

/**
 * One list endpoint's statements, keyset-paginated: rows sorted descending by `sortKeys` (the last one
 * unique, the row's id), each page read from an index in that order. A cursor page continues with
 * `(k1, …, id) < (…)`, one row comparison that PostgreSQL turns into the start of an index range scan, so
 * a page at depth 400,000 costs what the first page costs. `offset` still works, and still reads (and
 * discards) every row before the page.
 *
 * Filters are added one per call (`filter`), each only when its value is given, so the statement holds
 * just the conditions in use and one more filter is one more line.
 */

export interface ListWindow {
  limit: number;
  /** Rows to skip before the page (slow at depth: they are read and discarded). */
  offset?: number;
  /** The position after which the page starts (the decoded cursor), for the same sort keys. */
  after?: readonly string[];
}

export interface Statement {
  text: string;
  values: unknown[];
}

export interface ListTotal {
  total: number;
  /** The planner's estimate (from table statistics) rather than a count. */
  totalIsEstimate: boolean;
}

/** Above this many matching rows (by the planner's estimate) a total is the estimate, not a count. */
export const EXACT_TOTAL_LIMIT = 10_000;

/** The column a page's rows carry their position in (stripped before they are returned). */
const POSITION_COLUMN = 'list_position';

export class ListQuery {
  private readonly conditions: string[] = [];
  private readonly values: unknown[] = [];

  /**
   * @param select the columns returned
   * @param from the table (and joins); the filters and sort keys name columns through its aliases
   * @param sortKeys SQL expressions, all sorted descending; the last one unique (the id)
   */
  constructor(
    private readonly select: string,
    private readonly from: string,
    private readonly sortKeys: readonly string[],
  ) {}

  /** Adds `condition` with `value` bound as `$n` in it, when `value` is given (not undefined). */
  filter<T>(value: T | undefined, condition: (parameter: string) => string): this {
    if (value !== undefined) this.conditions.push(condition(this.bind(value)));
    return this;
  }

  /** The page: `limit + 1` rows, so that the extra one tells whether another page follows. */
  page(window: ListWindow): Statement {
    const values = [...this.values];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const conditions = [...this.conditions];
    if (window.after) {
      if (window.after.length !== this.sortKeys.length) throw new Error(`a position has ${this.sortKeys.length} keys`);
      conditions.push(`(${this.sortKeys.join(', ')}) < (${window.after.map(bind).join(', ')})`);
    }
    const position = `ARRAY[${this.sortKeys.map((key) => `(${key})::text`).join(', ')}] AS ${POSITION_COLUMN}`;
    return {
      text: `SELECT ${this.select}, ${position} FROM ${this.from} ${where(conditions)}
        ORDER BY ${this.order()} LIMIT ${bind(window.limit + 1)}${window.offset ? ` OFFSET ${bind(window.offset)}` : ''}`,
      values,
    };
  }

  /** Every matching row in the list's order, unpaged (an export streams it through a PostgreSQL cursor). */
  everyRow(): Statement {
    return { text: `SELECT ${this.select} FROM ${this.from} ${where(this.conditions)} ORDER BY ${this.order()}`, values: [...this.values] };
  }

  /** The rows matching the filters (no sort, no columns): its plan estimates them, `listTotal` counts them. */
  matching(): Statement {
    return { text: `SELECT FROM ${this.from} ${where(this.conditions)}`, values: [...this.values] };
  }

  private order(): string {
    return this.sortKeys.map((key) => `${key} DESC`).join(', ');
  }

  private bind(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

const where = (conditions: readonly string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');

/** Runs a page statement; the rows without their position, and the cursor of the next page (null on the last). */
export async function readPage<Row extends object>(
  db: Database,
  statement: Statement,
  limit: number,
  cursor: ListCursor,
): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const { rows } = await db.query<Row & { [POSITION_COLUMN]: string[] }>(statement);
  const page = pageWithNextCursor(rows, limit, cursor, (row) => row[POSITION_COLUMN]);
  return {
    rows: page.rows.map(({ [POSITION_COLUMN]: _position, ...row }) => row as unknown as Row),
    nextCursor: page.nextCursor,
  };
}

/**
 * The total of a list: counted when the planner expects at most EXACT_TOTAL_LIMIT rows (a county's rows
 * through its index, a small table), otherwise the planner's estimate, marked as one, so no request reads
 * a million index entries to say how many there are.
 */
export async function listTotal(db: Database, matching: Statement): Promise<ListTotal> {
  const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>({
    text: `EXPLAIN (FORMAT JSON) ${matching.text}`,
    values: matching.values,
  });
  const estimate = Math.round(rows[0]!['QUERY PLAN'][0].Plan['Plan Rows']);
  if (estimate > EXACT_TOTAL_LIMIT) return { total: estimate, totalIsEstimate: true };
  const counted = await db.query<{ n: number }>({ text: `SELECT count(*)::bigint AS n FROM (${matching.text}) matching`, values: matching.values });
  return { total: counted.rows[0]!.n, totalIsEstimate: false };
}

/** What a client asks of a list: a page size and where the page starts (a cursor, or an offset). */
export interface ListRequest {
  limit: number;
  offset?: number;
  cursor?: string;
}

export interface ListPage<Row> extends ListTotal {
  rows: Row[];
  nextCursor: string | null;
}

/**
 * A page of `query` as asked, its next cursor and the list's total (told by an offset page that is the last,
 * else from `listTotal`). A bad cursor is an InvalidCursorError (400).
 */
export async function readList<Row extends object>(db: Database, query: ListQuery, cursor: ListCursor, request: ListRequest): Promise<ListPage<Row>> {
  if (request.cursor !== undefined && request.offset) throw new InvalidRequestError('give cursor or offset, not both');
  const after = request.cursor === undefined ? undefined : cursor.decode(request.cursor);
  const page = await readPage<Row>(db, query.page({ limit: request.limit, offset: request.offset, after }), request.limit, cursor);
  const known = after ? null : totalKnownFromPage({ limit: request.limit, offset: request.offset ?? 0 }, page.rows.length);
  const total = known === null ? await listTotal(db, query.matching()) : { total: known, totalIsEstimate: false };
  return { ...page, ...total };
}
