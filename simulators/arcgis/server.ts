import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../http-server';
import type { FieldMapping } from '../../domain/permits/open-data-record';
import { type SimulatedPermit, simulatedPermits } from '../open-data-permits';
import { type RandomFaultOptions, RandomFaults } from '../random-faults';

/**
 * An ArcGIS FeatureServer permit layer (City of Miami field names), faithful to ../shared/reference/arcgis.md:
 * `<layer>?f=json` metadata (`fields`, `maxRecordCount`, `advancedQueryCapabilities.supportsPagination` switchable,
 * `editingInfo.lastEditDate`); `<layer>/query` (GET or form POST) with `where` (comparisons joined by AND, `DATE`
 * and `TIMESTAMP` literals, `1=1`), `outFields`, `orderByFields`, `resultOffset`/`resultRecordCount` (only when
 * paging is supported), `returnCountOnly`, `returnIdsOnly`, `objectIds`; pages capped at `maxRecordCount` with
 * `exceededTransferLimit`; dates as epoch ms; failures as HTTP 200 `{"error":…}` bodies (400 for an unknown field,
 * 498/499 for a bad or missing token when the layer is secured); latency and random faults.
 */
export interface ArcGisSimulatorOptions {
  host?: string;
  port?: number;
  seed?: number;
  permits?: number;
  fromYear?: number;
  toYear?: number;
  malformedRows?: number;
  maxRecordCount?: number;
  supportsPagination?: boolean;
  /** When set, queries need `token=<this>` (498 for another, 499 for none). */
  token?: string;
  latencyMs?: number;
  faults?: RandomFaultOptions;
}

export const LAYER_PATH = '/arcgis/rest/services/Building_Permits/FeatureServer/0';

/** The field mapping of the simulated layer (what a data engineer would enter for it; tests and the sandbox use it). */
export const SIMULATED_ARCGIS_MAPPING = {
  permit_number: 'PermitNumber', permit_type: 'WorkItems', description: 'ScopeofWork', status: 'BuildingPermitStatusDescription',
  applied_date: 'ApplicationDate', issued_date: 'IssuedDate', completed_date: 'CompletedDate', address: 'DeliveryAddress',
  contractor: 'CompanyName', valuation: 'TotalCost', pull_date: 'ApplicationDate', last_updated: 'EditDate',
} as const satisfies FieldMapping;

const FIELDS: ReadonlyArray<[name: string, type: string]> = [
  ['OBJECTID', 'esriFieldTypeOID'], ['PermitNumber', 'esriFieldTypeString'], ['WorkItems', 'esriFieldTypeString'], ['ScopeofWork', 'esriFieldTypeString'],
  ['BuildingPermitStatusDescription', 'esriFieldTypeString'], ['ApplicationDate', 'esriFieldTypeDate'], ['IssuedDate', 'esriFieldTypeDate'],
  ['CompletedDate', 'esriFieldTypeDate'], ['DeliveryAddress', 'esriFieldTypeString'], ['CompanyName', 'esriFieldTypeString'],
  ['TotalCost', 'esriFieldTypeDouble'], ['EditDate', 'esriFieldTypeDate'],
];

type Attributes = Record<string, string | number | null>;

export class ArcGisSimulator {
  readonly permits: SimulatedPermit[];
  readonly stats = { requests: 0, queries: 0, featuresServed: 0 };
  readonly faults: RandomFaults;
  latencyMs: number;
  private readonly features: Attributes[];
  private server: Server | null = null;

  constructor(private readonly options: ArcGisSimulatorOptions = {}) {
    this.permits = simulatedPermits({ seed: options.seed ?? 2, count: options.permits ?? 2000, fromYear: options.fromYear ?? 1997, toYear: options.toYear ?? 2026, malformed: options.malformedRows ?? 0 });
    // Dates are instants: midnight in Miami (UTC-5 or -4), so a client converting in UTC would be a day off.
    const epoch = (day: string | null) => (day ? Date.parse(`${day}T05:00:00Z`) : null);
    this.features = this.permits.map((permit) => ({
      OBJECTID: permit.objectId, PermitNumber: permit.permitNumber, WorkItems: permit.permitType, ScopeofWork: permit.description,
      BuildingPermitStatusDescription: permit.status, ApplicationDate: epoch(permit.appliedDate), IssuedDate: epoch(permit.issuedDate),
      CompletedDate: epoch(permit.completedDate), DeliveryAddress: permit.street, CompanyName: permit.contractor, TotalCost: permit.valuation,
      EditDate: Date.parse(permit.updatedAt),
    }));
    this.latencyMs = options.latencyMs ?? 0;
    this.faults = new RandomFaults(options.faults);
  }

  /** Changes one permit's status and its `EditDate`, as an editor of the layer would. */
  updatePermit(index: number, status: string, updatedAt: Date): void {
    const permit = this.permits[index]!;
    permit.status = status;
    permit.updatedAt = updatedAt.toISOString();
    this.features[index] = { ...this.features[index]!, BuildingPermitStatusDescription: status, EditDate: updatedAt.getTime() };
  }

  get maxRecordCount(): number {
    return this.options.maxRecordCount ?? 1000;
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
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const params = new URLSearchParams(req.method === 'POST' ? body : url.search);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const fault = this.faults.next();
    if (fault?.kind === 'server-error') return this.send(res, fault.status, `<html><body>${fault.status} Server Error</body></html>`, 'text/html');
    if (fault?.kind === 'rate-limited') return this.send(res, 429, JSON.stringify({ error: { code: 429, message: 'Too many requests.', details: [] } }));
    if (fault?.kind === 'timeout') await new Promise((resolve) => setTimeout(resolve, fault.holdMs));

    if (url.pathname !== LAYER_PATH && url.pathname !== `${LAYER_PATH}/query`) return this.error(res, 400, 'Invalid URL', ['Service not found']);
    if (this.options.token !== undefined) {
      const token = params.get('token');
      if (!token) return this.error(res, 499, 'Token Required');
      if (token !== this.options.token) return this.error(res, 498, 'Invalid token.');
    }
    if (url.pathname === LAYER_PATH) return this.send(res, 200, JSON.stringify(this.metadata()));
    this.stats.queries += 1;
    try {
      return this.send(res, 200, JSON.stringify(this.query(params)));
    } catch (error) {
      if (error instanceof QueryError) return this.error(res, 400, 'Unable to complete operation.', [error.message]);
      throw error;
    }
  }

  private metadata() {
    const lastEdit = Math.max(...this.features.map((feature) => Number(feature.EditDate)));
    return {
      currentVersion: 11.1, id: 0, name: 'Building_Permits', type: 'Table', objectIdField: 'OBJECTID', maxRecordCount: this.maxRecordCount,
      supportedQueryFormats: 'JSON, geoJSON, PBF', useStandardizedQueries: true, supportsAdvancedQueries: true,
      advancedQueryCapabilities: { supportsPagination: this.options.supportsPagination ?? true, supportsOrderBy: true, supportsStatistics: true },
      editingInfo: { lastEditDate: lastEdit },
      fields: FIELDS.map(([name, type]) => ({ name, type, alias: name })),
    };
  }

  private query(params: URLSearchParams) {
    const conditions = parseWhere(params.get('where') ?? '1=1');
    const objectIds = params.get('objectIds')?.split(',').filter(Boolean).map(Number);
    let rows = this.features.filter((feature) => conditions.every((test) => test(feature)) && (!objectIds || objectIds.includes(Number(feature.OBJECTID))));
    if (params.get('returnCountOnly') === 'true') return { count: rows.length };
    if (params.get('returnIdsOnly') === 'true') return { objectIdFieldName: 'OBJECTID', objectIds: rows.map((feature) => feature.OBJECTID) };

    const order = params.get('orderByFields');
    if (order) {
      const keys = order.split(',').map((part) => {
        const [field = '', direction = 'ASC'] = part.trim().split(/\s+/);
        checkField(field);
        return { field, sign: /^DESC$/i.test(direction) ? -1 : 1 };
      });
      rows = [...rows].sort((a, b) => {
        for (const { field, sign } of keys) {
          const left = a[field] ?? null;
          const right = b[field] ?? null;
          if (left === right) continue;
          if (left === null) return sign;
          if (right === null) return -sign;
          return (left < right ? -1 : 1) * sign;
        }
        return 0;
      });
    }
    const paging = params.has('resultOffset') || params.has('resultRecordCount');
    if (paging && this.options.supportsPagination === false) throw new QueryError('Pagination is not supported.');
    const offset = Number(params.get('resultOffset') ?? 0);
    const count = Math.min(Number(params.get('resultRecordCount') ?? this.maxRecordCount), this.maxRecordCount);
    const page = rows.slice(offset, offset + count);
    const outFields = params.get('outFields') ?? '*';
    const fields = outFields === '*' ? FIELDS.map(([name]) => name) : outFields.split(',').map((field) => field.trim());
    fields.forEach(checkField);
    this.stats.featuresServed += page.length;
    return {
      objectIdFieldName: 'OBJECTID',
      fields: FIELDS.filter(([name]) => fields.includes(name)).map(([name, type]) => ({ name, type, alias: name })),
      features: page.map((feature) => ({ attributes: Object.fromEntries(fields.map((field) => [field, feature[field] ?? null])) })),
      // True while more remain past this page (also when an unpaged answer was cut at maxRecordCount).
      ...(offset + page.length < rows.length ? { exceededTransferLimit: true } : {}),
    };
  }

  private error(res: ServerResponse, code: number, message: string, details: string[] = []) {
    return this.send(res, 200, JSON.stringify({ error: { code, message, details } }));
  }

  private send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8') {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  }
}

class QueryError extends Error {}

function checkField(field: string) {
  if (!FIELDS.some(([name]) => name === field)) throw new QueryError(`'Invalid field: ${field}' parameter is invalid`);
}

/** `1=1`, or `FIELD op value` joined by AND, where value is a number, a quoted string, `DATE '…'` or `TIMESTAMP '…'`. */
function parseWhere(where: string): Array<(feature: Attributes) => boolean> {
  if (/^\s*1\s*=\s*1\s*$/.test(where)) return [];
  return where.split(/\s+AND\s+/i).map((part) => {
    const match = /^\s*(\w+)\s*(>=|<=|<>|=|>|<)\s*(?:(DATE|TIMESTAMP)\s+'([^']+)'|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))\s*$/i.exec(part);
    if (!match) throw new QueryError(`Unable to parse where clause near: ${part.trim()}`);
    const [, field = '', operator = '=', literalKind, dateText, text, number] = match;
    checkField(field);
    const value: string | number = literalKind ? Date.parse(`${dateText!.replace(' ', 'T')}${dateText!.length > 10 ? '' : 'T00:00:00'}Z`) : text !== undefined ? text.replace(/''/g, "'") : Number(number);
    return (feature: Attributes) => {
      const actual = feature[field];
      if (actual === null || actual === undefined) return false;
      switch (operator) {
        case '>=': return actual >= value;
        case '<=': return actual <= value;
        case '>': return actual > value;
        case '<': return actual < value;
        case '<>': return actual !== value;
        default: return actual === value;
      }
    };
  });
}

export async function startArcGisSimulator(options: ArcGisSimulatorOptions = {}) {
  const simulator = new ArcGisSimulator(options);
  const url = await simulator.listen();
  return { url, layerUrl: `${url}${LAYER_PATH}`, simulator, close: () => simulator.close() };
}
