import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../http-server';
import { type RandomFaultOptions, RandomFaults } from '../random-faults';
import type { FieldMapping } from '../../domain/permits/open-data-record';
import { type SimulatedPermit, simulatedPermits } from '../open-data-permits';

/**
 * A Socrata dataset of building permits in the BLDS lower-case shape (Cincinnati/Raleigh style), faithful to
 * ../shared/reference/socrata.md: `/resource/{id}.json` with the SoQL subset `$select` (columns, `:*,*`,
 * `count(*) AS n`), `$where` (comparisons on text and floating timestamps joined by AND), `$order` (columns with
 * ASC/DESC, `:id`), `$limit` (default 1000, at most 50,000) and `$offset`; rows with string values, null keys left
 * out and the `\n,` row layout; `X-SODA2-Fields/Types` and `Last-Modified` headers; `/api/views/{id}.json` with
 * `columns[]` and `rowsUpdatedAt` (epoch seconds). Unordered output unless `$order` is given (rows are shuffled).
 * Failures as the platform gives them: 400 `query.soql.no-such-column` naming the column, 404 for an unknown
 * dataset, 429 when requests without `X-App-Token` exceed the anonymous pool; plus latency and random faults.
 */
export interface SocrataSimulatorOptions {
  host?: string;
  port?: number;
  datasetId?: string;
  seed?: number;
  permits?: number;
  /** The years the permits span, oldest first. */
  fromYear?: number;
  toYear?: number;
  /** Rows a test expects to be rejected: no permit number, a far-future date. */
  malformedRows?: number;
  latencyMs?: number;
  /** Requests without an app token allowed per window before 429s. */
  anonymousLimit?: { requests: number; windowMs: number };
  faults?: RandomFaultOptions;
}

export const SOCRATA_COLUMNS: ReadonlyArray<[field: string, type: string]> = [
  ['permitnum', 'text'], ['permittype', 'text'], ['description', 'text'], ['statuscurrent', 'text'], ['applieddate', 'calendar_date'],
  ['issueddate', 'calendar_date'], ['completeddate', 'calendar_date'], ['originaladdress1', 'text'], ['originalcity', 'text'],
  ['originalzip', 'text'], ['companyname', 'text'], ['estprojectcostdec', 'text'],
];
const SYSTEM_COLUMNS = [':id', ':created_at', ':updated_at'];

/** The field mapping of the simulated dataset (what a data engineer would enter for it; tests and the sandbox use it). */
export const SIMULATED_SOCRATA_MAPPING = {
  permit_number: 'permitnum', permit_type: 'permittype', description: 'description', status: 'statuscurrent', applied_date: 'applieddate',
  issued_date: 'issueddate', completed_date: 'completeddate', address: 'originaladdress1', city: 'originalcity', postal_code: 'originalzip',
  contractor: 'companyname', valuation: 'estprojectcostdec', pull_date: 'applieddate', last_updated: ':updated_at',
} as const satisfies FieldMapping;
/** The simulated dataset's id unless a test names another. */
export const SIMULATED_SOCRATA_DATASET_ID = 'perm-1tsx';
const MAX_LIMIT = 50_000;

type Row = Record<string, string>;

export class SocrataSimulator {
  readonly datasetId: string;
  readonly permits: SimulatedPermit[];
  readonly stats = { requests: 0, rowRequests: 0, throttled: 0, rowsServed: 0 };
  readonly faults: RandomFaults;
  latencyMs: number;
  private rows: Row[];
  private rowsUpdatedAt: number;
  private anonymousWindow = { startedAt: 0, count: 0 };
  private server: Server | null = null;
  private shuffleState = 1;

  constructor(private readonly options: SocrataSimulatorOptions = {}) {
    this.datasetId = options.datasetId ?? SIMULATED_SOCRATA_DATASET_ID;
    this.permits = simulatedPermits({ seed: options.seed ?? 1, count: options.permits ?? 2000, fromYear: options.fromYear ?? 1997, toYear: options.toYear ?? 2026, malformed: options.malformedRows ?? 0 });
    this.rows = this.permits.map((permit) => this.toRow(permit));
    this.rowsUpdatedAt = Math.floor(Date.now() / 1000);
    this.latencyMs = options.latencyMs ?? 0;
    this.faults = new RandomFaults(options.faults);
  }

  /** Changes one permit's status (and its `:updated_at`), as a publisher's nightly update would. */
  updatePermit(index: number, status: string, updatedAt: Date): void {
    const permit = this.permits[index]!;
    permit.status = status;
    permit.updatedAt = updatedAt.toISOString();
    this.rows[index] = this.toRow(permit);
    this.rowsUpdatedAt = Math.floor(updatedAt.getTime() / 1000);
  }

  private toRow(permit: SimulatedPermit): Row {
    const floating = (day: string | null) => (day ? `${day}T00:00:00.000` : undefined);
    const row: Record<string, string | undefined> = {
      ':id': permit.rowId, ':created_at': permit.createdAt, ':updated_at': permit.updatedAt,
      permitnum: permit.permitNumber ?? undefined, permittype: permit.permitType, description: permit.description, statuscurrent: permit.status,
      applieddate: floating(permit.appliedDate), issueddate: floating(permit.issuedDate), completeddate: floating(permit.completedDate),
      originaladdress1: permit.street, originalcity: permit.city, originalzip: permit.zip, companyname: permit.contractor ?? undefined,
      estprojectcostdec: permit.valuation === null ? undefined : permit.valuation.toFixed(2),
    };
    // Socrata leaves out the keys of null values.
    return Object.fromEntries(Object.entries(row).filter((entry): entry is [string, string] => entry[1] !== undefined));
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return listenOn(this.server, this.options.host ?? '127.0.0.1', this.options.port ?? 0);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    this.stats.requests += 1;
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const fault = this.faults.next();
    if (fault?.kind === 'server-error') return this.json(res, fault.status, { code: 'internal', error: true, message: 'Internal error' });
    if (fault?.kind === 'rate-limited') return this.throttle(res);
    if (fault?.kind === 'timeout') await new Promise((resolve) => setTimeout(resolve, fault.holdMs));
    if (!req.headers['x-app-token'] && this.overAnonymousLimit()) return this.throttle(res);

    const view = /^\/api\/views\/([a-z0-9]{4}-[a-z0-9]{4})\.json$/.exec(url.pathname);
    const resource = /^\/resource\/([a-z0-9]{4}-[a-z0-9]{4})\.json$/.exec(url.pathname);
    const id = view?.[1] ?? resource?.[1];
    if (!id || id !== this.datasetId) return this.json(res, 404, { code: 'not_found', error: true, message: `Cannot find view with id ${id ?? url.pathname}` });
    if (view) return this.json(res, 200, this.viewMetadata());
    this.stats.rowRequests += 1;
    try {
      return this.answerRows(res, url.searchParams);
    } catch (error) {
      if (error instanceof SoqlError) return this.json(res, 400, { code: error.code, error: true, message: error.message, data: error.data });
      throw error;
    }
  }

  private overAnonymousLimit(): boolean {
    const limit = this.options.anonymousLimit;
    if (!limit) return false;
    const now = Date.now();
    if (now - this.anonymousWindow.startedAt >= limit.windowMs) this.anonymousWindow = { startedAt: now, count: 0 };
    this.anonymousWindow.count += 1;
    return this.anonymousWindow.count > limit.requests;
  }

  private throttle(res: ServerResponse) {
    this.stats.throttled += 1;
    // No Retry-After: the notes found none documented.
    return this.json(res, 429, { code: 'too_many_requests', error: true, message: 'Too many requests' });
  }

  private viewMetadata() {
    return {
      id: this.datasetId, name: 'Building Permits (simulated)', rowsUpdatedAt: this.rowsUpdatedAt, viewType: 'tabular',
      columns: [
        ...SYSTEM_COLUMNS.map((fieldName, position) => ({ id: -1, name: fieldName, fieldName, dataTypeName: 'meta_data', position })),
        ...SOCRATA_COLUMNS.map(([fieldName, dataTypeName], position) => ({ id: 1000 + position, name: fieldName, fieldName, dataTypeName, position: position + 1 })),
      ],
    };
  }

  private answerRows(res: ServerResponse, params: URLSearchParams) {
    const known = new Set([...SYSTEM_COLUMNS, ...SOCRATA_COLUMNS.map(([field]) => field)]);
    const checkColumn = (column: string) => {
      if (!known.has(column)) throw new SoqlError('query.soql.no-such-column', `No such column: ${column}`, { column, dataset: this.datasetId });
    };
    const limit = params.has('$limit') ? Number(params.get('$limit')) : 1000;
    const offset = params.has('$offset') ? Number(params.get('$offset')) : 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw new SoqlError('query.soql.invalid-limit', `$limit must be 0..${MAX_LIMIT}`, { limit: params.get('$limit') });
    if (!Number.isInteger(offset) || offset < 0) throw new SoqlError('query.soql.invalid-offset', '$offset must be a non-negative integer', {});

    const where = parseWhere(params.get('$where'));
    where.forEach((condition) => checkColumn(condition.column));
    let rows = this.rows.filter((row) => where.every((condition) => condition.test(row)));

    const select = (params.get('$select') ?? '').trim();
    if (/^count\(\*\)(\s+as\s+(\w+))?$/i.test(select)) {
      const alias = /\s+as\s+(\w+)$/i.exec(select)?.[1] ?? 'count';
      return this.sendRows(res, [{ [alias]: String(rows.length) }], [[alias, 'number']]);
    }

    const order = parseOrder(params.get('$order'));
    order.forEach(({ column }) => checkColumn(column));
    rows = order.length > 0 ? [...rows].sort((a, b) => compareBy(order, a, b)) : this.shuffled(rows);
    const page = rows.slice(offset, offset + limit);

    const systemSelected = /(^|,)\s*:\*/.test(select) || SYSTEM_COLUMNS.some((column) => new RegExp(`(^|,)\\s*${column}\\s*(,|$)`).test(select));
    let columns: string[];
    if (!select || select === '*' || /^:\*\s*,\s*\*$/.test(select)) {
      columns = [...(systemSelected ? SYSTEM_COLUMNS : []), ...SOCRATA_COLUMNS.map(([field]) => field)];
    } else {
      columns = select.split(',').map((column) => column.trim());
      columns.forEach(checkColumn);
    }
    const shaped = page.map((row) => Object.fromEntries(columns.filter((column) => row[column] !== undefined).map((column) => [column, row[column]!])));
    this.stats.rowsServed += shaped.length;
    const types = new Map<string, string>([...SOCRATA_COLUMNS, ...SYSTEM_COLUMNS.map((column): [string, string] => [column, 'meta_data'])]);
    return this.sendRows(res, shaped, columns.map((column) => [column, types.get(column)!]));
  }

  /** Without `$order` the server promises no order: a deterministic shuffle makes a client that forgets it visible. */
  private shuffled(rows: Row[]): Row[] {
    const copy = [...rows];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      this.shuffleState = (this.shuffleState * 1103515245 + 12345) & 0x7fffffff;
      const j = this.shuffleState % (i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  private sendRows(res: ServerResponse, rows: ReadonlyArray<Record<string, string>>, fields: ReadonlyArray<[string, string]>) {
    res.writeHead(200, {
      'content-type': 'application/json;charset=utf-8',
      'x-soda2-fields': JSON.stringify(fields.map(([field]) => field)),
      'x-soda2-types': JSON.stringify(fields.map(([, type]) => type)),
      'last-modified': new Date(this.rowsUpdatedAt * 1000).toUTCString(),
    });
    // The recorded layout: `[{…}\n,{…}\n…]\n`.
    res.end(`[${rows.map((row) => JSON.stringify(row)).join('\n,')}]\n`);
  }

  private json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

class SoqlError extends Error {
  constructor(readonly code: string, message: string, readonly data: Record<string, unknown>) {
    super(message);
  }
}

interface Condition {
  column: string;
  test(row: Row): boolean;
}

const COMPARISONS: Record<string, (a: string, b: string) => boolean> = {
  '>=': (a, b) => a >= b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '<': (a, b) => a < b, '=': (a, b) => a === b, '!=': (a, b) => a !== b,
};

/** `col op 'literal'` joined by AND; text and floating timestamps compare as strings (ISO sorts as time). */
function parseWhere(where: string | null): Condition[] {
  if (!where?.trim()) return [];
  return where.split(/\s+AND\s+/i).map((part) => {
    const match = /^\s*\(?\s*(:?[a-z_][a-z0-9_]*)\s*(>=|<=|!=|=|>|<)\s*'((?:[^']|'')*)'\s*\)?\s*$/i.exec(part);
    if (!match) {
      const nullTest = /^\s*(:?[a-z_][a-z0-9_]*)\s+IS\s+(NOT\s+)?NULL\s*$/i.exec(part);
      if (nullTest) {
        const [, column, not] = nullTest as unknown as [string, string, string | undefined];
        return { column, test: (row: Row) => (row[column] !== undefined) === Boolean(not) };
      }
      throw new SoqlError('query.compiler.malformed', `Could not parse $where near: ${part.trim()}`, { where });
    }
    const [, column, operator, rawLiteral] = match as unknown as [string, string, string, string];
    const literal = rawLiteral.replace(/''/g, "'");
    const compare = COMPARISONS[operator]!;
    return { column, test: (row: Row) => row[column] !== undefined && compare(row[column]!, literal) };
  });
}

function parseOrder(order: string | null): Array<{ column: string; descending: boolean }> {
  if (!order?.trim()) return [];
  return order.split(',').map((part) => {
    const [column = '', direction = 'ASC'] = part.trim().split(/\s+/);
    if (!/^(ASC|DESC)$/i.test(direction)) throw new SoqlError('query.compiler.malformed', `Bad $order direction: ${direction}`, { order });
    return { column, descending: /^DESC$/i.test(direction) };
  });
}

/** Nulls sort last ascending, as Socrata does. */
function compareBy(order: ReadonlyArray<{ column: string; descending: boolean }>, a: Row, b: Row): number {
  for (const { column, descending } of order) {
    const left = a[column];
    const right = b[column];
    if (left === right) continue;
    const result = left === undefined ? 1 : right === undefined ? -1 : left < right ? -1 : 1;
    return descending ? -result : result;
  }
  return 0;
}

export async function startSocrataSimulator(options: SocrataSimulatorOptions = {}) {
  const simulator = new SocrataSimulator(options);
  const url = await simulator.listen();
  return { url, simulator, close: () => simulator.close() };
}
