import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../http-server';
import { AgencyData, type AgencyDataOptions, type SimulatedRecord } from './agency-data';
import { seededRandom, shuffled } from './random';
import { type RandomFaultOptions, RandomFaults } from '../random-faults';

/**
 * A local Accela Civic Platform V4 stand-in, behaving as the recorded real API does (see docs/permits.md):
 * OAuth password grant with rotating refresh tokens and OAuth-style errors; records newest first with a
 * lower-case `hasmore` and no total; multi-id get with `expand` in shuffled order; per-record child lists;
 * the v4 error envelope with `X-Accela-*` headers; `X-RateLimit-*` headers and 429s (body assumed: the
 * real one is undocumented); latency and fault injection.
 */
export interface AccelaSimulatorOptions {
  host?: string;
  port?: number;
  seed?: string;
  permitsPerAgency?: number;
  /** Permits of named agencies (upper case), where they differ from `permitsPerAgency`. */
  permitsByAgency?: Record<string, number>;
  years?: number;
  today?: string;
  mechanicalShare?: number;
  malformedRecords?: number;
  credentials?: { appId: string; appSecret: string; username: string; password: string };
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  rateLimit?: { limit: number; windowSeconds: number } | null;
  /**
   * More apps (same user and password), each with its own limit counted per app and agency, as Accela
   * configures them; requests of these apps are outside `rateLimit`. Their counts: `appLimitStats()`.
   */
  apps?: Record<string, { appSecret: string; rateLimit: { limit: number; windowSeconds: number } }>;
  latencyMs?: number;
  faults?: Partial<AccelaFaults>;
  /** Seeded random 5xx, 429 (Retry-After: 1) and hangs, on API requests (the token endpoint is spared). */
  randomFaults?: RandomFaultOptions;
  /** Every issued access token expires at once this often, whatever its `expires_in` said (0: never). */
  expireTokensEverySeconds?: number;
}

export interface AccelaFaults {
  /** Every Nth API request answers 500 (0: never). */
  serverErrorEvery: number;
  /** Every Nth API request hangs this long before answering (0: never). */
  hangEvery: number;
  hangMs: number;
  /** After this many API requests every issued access token expires at once (0: never). */
  expireTokensAfterRequests: number;
  /** Ids whose sequence is a multiple of this are left out of multi-id answers (0: never). */
  omitFromBatchEvery: number;
}

export interface SimulatorStats {
  apiRequests: number;
  tokenRequests: number;
  listRequests: number;
  enrichRequests: number;
  childRequests: number;
  throttled: number;
  maxRequestsInAWindow: number;
  expiredTokenRejections: number;
  /** Times every access token was expired at once (`expireTokensEverySeconds`). */
  tokenExpiries: number;
}

/** One app-and-agency limit as the simulator counted it. */
export interface AppLimitStats {
  appId: string;
  agency: string;
  limit: number;
  windowSeconds: number;
  requests: number;
  throttled: number;
  maxRequestsInAWindow: number;
  /** When each request arrived (epoch ms), answered or throttled. */
  arrivals: number[];
}

const API_PREFIX = '/v4/';
/** The credentials the simulator accepts unless told otherwise (the sandbox demo county uses them). */
export const SANDBOX_ACCELA_CREDENTIALS = { appId: 'sandbox-app', appSecret: 'sandbox-secret', username: 'sandbox-user', password: 'sandbox-password' };

export class AccelaSimulator {
  readonly credentials: NonNullable<AccelaSimulatorOptions['credentials']>;
  readonly stats: SimulatorStats = {
    apiRequests: 0, tokenRequests: 0, listRequests: 0, enrichRequests: 0, childRequests: 0, throttled: 0, maxRequestsInAWindow: 0, expiredTokenRejections: 0, tokenExpiries: 0,
  };
  readonly randomFaults: RandomFaults;
  private tokensExpiredAtMs = Date.now();
  faults: AccelaFaults;
  latencyMs: number;
  rateLimit: { limit: number; windowSeconds: number } | null;
  private readonly agencies = new Map<string, AgencyData>();
  private readonly accessTokens = new Map<string, { agency: string; appId: string; expiresAtMs: number }>();
  private readonly refreshTokens = new Map<string, { agency: string; appId: string; expiresAtMs: number }>();
  private readonly appWindows = new Map<string, AppLimitStats & { windowStartMs: number; windowCount: number }>();
  /** The fixed window of `rateLimit` (requests of the main app). */
  private readonly mainWindow = { windowStartMs: 0, windowCount: 0 };
  private readonly shuffle = seededRandom('accela-shuffle');
  private server: Server | null = null;
  readonly today: string;

  constructor(private readonly options: AccelaSimulatorOptions = {}) {
    this.credentials = options.credentials ?? SANDBOX_ACCELA_CREDENTIALS;
    this.faults = { serverErrorEvery: 0, hangEvery: 0, hangMs: 60_000, expireTokensAfterRequests: 0, omitFromBatchEvery: 0, ...options.faults };
    this.latencyMs = options.latencyMs ?? 0;
    this.rateLimit = options.rateLimit === undefined ? { limit: 10_000, windowSeconds: 3600 } : options.rateLimit;
    this.today = options.today ?? new Date().toISOString().slice(0, 10);
    this.randomFaults = new RandomFaults(options.randomFaults);
  }

  /** The agency's data (generated on first use from the seed and the agency name). */
  agency(name: string): AgencyData {
    const key = name.toUpperCase();
    let data = this.agencies.get(key);
    if (!data) {
      const dataOptions: AgencyDataOptions = {
        agency: key,
        seed: this.options.seed ?? 'prospector',
        permits: this.options.permitsByAgency?.[key] ?? this.options.permitsPerAgency ?? 3000,
        years: this.options.years ?? 30,
        today: this.today,
        mechanicalShare: this.options.mechanicalShare ?? 0.6,
        malformedRecords: this.options.malformedRecords ?? 0,
      };
      data = new AgencyData(dataOptions);
      this.agencies.set(key, data);
    }
    return data;
  }

  async listen(host = this.options.host ?? '127.0.0.1', port = this.options.port ?? 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.envelope(res, 500, 'internal_server_error', (error as Error).message));
    });
    this.server.keepAliveTimeout = 30_000;
    return listenOn(this.server, host, port);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Expires every issued access token now (refresh tokens stay valid), as happens mid-pull. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAtMs = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return this.token(req, res);
    if (!url.pathname.startsWith(API_PREFIX)) return this.envelope(res, 404, 'api_not_found', `No API at ${url.pathname}`);
    this.stats.apiRequests += 1;
    const requestNumber = this.stats.apiRequests;
    if (this.faults.expireTokensAfterRequests > 0 && requestNumber === this.faults.expireTokensAfterRequests) this.expireAccessTokens();
    const expiryEveryMs = (this.options.expireTokensEverySeconds ?? 0) * 1000;
    if (expiryEveryMs > 0 && Date.now() - this.tokensExpiredAtMs >= expiryEveryMs) {
      this.tokensExpiredAtMs = Date.now();
      this.stats.tokenExpiries += 1;
      this.expireAccessTokens();
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const randomFault = this.randomFaults.next();
    if (randomFault?.kind === 'timeout') await new Promise((resolve) => setTimeout(resolve, randomFault.holdMs));
    if (randomFault?.kind === 'server-error') return this.envelope(res, randomFault.status, 'internal_server_error', 'Simulated server error');
    if (randomFault?.kind === 'rate-limited') {
      res.setHeader('Retry-After', String(randomFault.retryAfterSeconds));
      return this.envelope(res, 429, 'rate_limit_exceeded', 'The app exceeded its rate limit.');
    }
    if (this.faults.hangEvery > 0 && requestNumber % this.faults.hangEvery === 0) {
      await new Promise((resolve) => setTimeout(resolve, this.faults.hangMs));
    }
    if (!this.admitUnderRateLimit(req, res)) return;
    if (this.faults.serverErrorEvery > 0 && requestNumber % this.faults.serverErrorEvery === 0) {
      return this.envelope(res, 500, 'internal_server_error', 'Simulated server error');
    }
    const agency = this.authorise(req, res);
    if (!agency) return;
    const data = this.agency(agency);
    const parts = url.pathname.slice(API_PREFIX.length).split('/').filter(Boolean);
    if (parts[0] !== 'records') return this.envelope(res, 404, 'api_not_found', `No API at ${url.pathname}`);
    if (parts.length === 1) return this.list(data, url, res);
    if (parts.length === 2) return this.byIds(data, decodeURIComponent(parts[1]!), url, res);
    if (parts.length === 3 && ['addresses', 'owners', 'parcels'].includes(parts[2]!)) return this.child(data, decodeURIComponent(parts[1]!), parts[2]!, res);
    return this.envelope(res, 404, 'api_not_found', `No API at ${url.pathname}`);
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.tokenRequests += 1;
    let body = '';
    for await (const chunk of req) body += (chunk as Buffer).toString();
    const form = new URLSearchParams(body);
    const oauthError = (error: string, description: string) => {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'x-accela-original-httpstatus': '400' });
      res.end(JSON.stringify({ error, error_description: description }));
    };
    const appId = form.get('client_id') ?? '';
    const appSecret = appId === this.credentials.appId ? this.credentials.appSecret : this.options.apps?.[appId]?.appSecret;
    if (appSecret === undefined || form.get('client_secret') !== appSecret) {
      return oauthError('invalid_client', 'Invalid client id or client secret.');
    }
    let agency: string;
    const grant = form.get('grant_type');
    if (grant === 'password') {
      if (form.get('username') !== this.credentials.username || form.get('password') !== this.credentials.password) {
        return oauthError('invalid_userid_or_password', 'Invalid user name or password.');
      }
      agency = form.get('agency_name') ?? '';
      if (!agency) return oauthError('invalid_request', 'agency_name is required.');
    } else if (grant === 'refresh_token') {
      const previous = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!previous || previous.expiresAtMs < Date.now()) return oauthError('invalid_grant', 'Invalid or expired refresh token.');
      this.refreshTokens.delete(form.get('refresh_token')!); // rotation: a refresh token is good once
      agency = previous.agency;
    } else {
      return oauthError('unsupported_grant_type', `Grant type ${grant ?? '(none)'} is not supported.`);
    }
    const accessSeconds = this.options.accessTokenSeconds ?? 900;
    const access = randomBytes(24).toString('base64url');
    const refresh = randomBytes(24).toString('base64url');
    this.accessTokens.set(access, { agency, appId, expiresAtMs: Date.now() + accessSeconds * 1000 });
    this.refreshTokens.set(refresh, { agency, appId, expiresAtMs: Date.now() + (this.options.refreshTokenSeconds ?? 8 * 3600) * 1000 });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ access_token: access, token_type: 'bearer', expires_in: accessSeconds, refresh_token: refresh, scope: form.get('scope') ?? 'records' }, null, 2).replace(/\n/g, '\r\n'));
  }

  /** Each app-and-agency limit of `apps`, as counted so far. */
  appLimitStats(): AppLimitStats[] {
    return [...this.appWindows.values()].map(({ windowStartMs: _start, windowCount: _count, ...stats }) => stats);
  }

  /** Fixed windows; counts every API request, answered or throttled. */
  private admitUnderRateLimit(req: IncomingMessage, res: ServerResponse): boolean {
    const appWindow = this.appWindowOf(req);
    const rateLimit = appWindow ?? this.rateLimit;
    if (!rateLimit) return true;
    const now = Date.now();
    const windowMs = rateLimit.windowSeconds * 1000;
    const window = appWindow ?? this.mainWindow;
    if (now >= window.windowStartMs + windowMs) {
      window.windowStartMs = now - (now % windowMs);
      window.windowCount = 0;
    }
    window.windowCount += 1;
    appWindow?.arrivals.push(now);
    if (appWindow) appWindow.requests += 1;
    const resetEpochSeconds = Math.ceil((window.windowStartMs + windowMs) / 1000);
    res.setHeader('X-RateLimit-Limit', String(rateLimit.limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, rateLimit.limit - window.windowCount)));
    res.setHeader('X-RateLimit-Reset', String(resetEpochSeconds));
    if (window.windowCount > rateLimit.limit) {
      this.stats.throttled += 1;
      if (appWindow) appWindow.throttled += 1;
      this.envelope(res, 429, 'rate_limit_exceeded', 'The app exceeded its rate limit.');
      return false;
    }
    this.stats.maxRequestsInAWindow = Math.max(this.stats.maxRequestsInAWindow, window.windowCount);
    if (appWindow) appWindow.maxRequestsInAWindow = Math.max(appWindow.maxRequestsInAWindow, window.windowCount);
    return true;
  }

  /** The window of a request by one of `apps` (its agency read from the token), else null. */
  private appWindowOf(req: IncomingMessage) {
    const appId = req.headers['x-accela-appid'];
    const app = typeof appId === 'string' ? this.options.apps?.[appId] : undefined;
    const token = this.accessTokens.get(req.headers.authorization ?? '');
    if (!app || !token || token.appId !== appId) return null;
    const key = `${appId}|${token.agency}`;
    let window = this.appWindows.get(key);
    if (!window) {
      window = { appId, agency: token.agency, ...app.rateLimit, requests: 0, throttled: 0, maxRequestsInAWindow: 0, arrivals: [], windowStartMs: 0, windowCount: 0 };
      this.appWindows.set(key, window);
    }
    return window;
  }

  private authorise(req: IncomingMessage, res: ServerResponse): string | null {
    const header = req.headers.authorization;
    if (!header) {
      this.envelope(res, 401, 'no_token', 'Token is required but not passed in the request.', 'Token required.');
      return null;
    }
    const token = this.accessTokens.get(header);
    if (!token) {
      this.envelope(res, 401, 'invalid_token', 'Invalid token.');
      return null;
    }
    if (token.expiresAtMs <= Date.now()) {
      this.stats.expiredTokenRejections += 1;
      this.envelope(res, 401, 'token_expired', 'The access token has expired.');
      return null;
    }
    if (req.headers['x-accela-appid'] !== token.appId) {
      this.envelope(res, 401, 'unauthorized_app', 'The app id does not match the token.');
      return null;
    }
    return token.agency;
  }

  private list(data: AgencyData, url: URL, res: ServerResponse): void {
    this.stats.listRequests += 1;
    const q = url.searchParams;
    const limit = Math.min(Number(q.get('limit') ?? 25), 1000);
    const offset = Number(q.get('offset') ?? 0);
    const dates = ['openedDateFrom', 'openedDateTo', 'updateDateFrom', 'updateDateTo'].map((key) => q.get(key));
    if (dates.some((d) => d !== null && !/^\d{4}-\d{2}-\d{2}$/.test(d)) || !Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
      return this.envelope(res, 400, 'data_validation_error', 'Invalid date (yyyy-MM-dd), limit or offset.');
    }
    const [openedFrom, openedTo, updatedFrom, updatedTo] = dates;
    const module = q.get('module');
    const type = q.get('type');
    const status = q.get('status');
    const matches = data.openedBetween(openedFrom ?? null, openedTo ?? null).filter((r) => {
      const updated = r.updateDate.slice(0, 10);
      return (
        (!module || module.toLowerCase() === 'building') &&
        (!type || r.typeValue === type) &&
        (!status || r.status === status) &&
        (!updatedFrom || updated >= updatedFrom) && (!updatedTo || updated <= updatedTo)
      );
    });
    const page = matches.slice(offset, offset + limit).map((r) => this.recordBody(data, r, false));
    const body: Record<string, unknown> = { status: 200, page: { offset, limit, hasmore: offset + limit < matches.length } };
    if (page.length > 0) body.result = page;
    this.json(res, 200, body);
  }

  private byIds(data: AgencyData, idList: string, url: URL, res: ServerResponse): void {
    this.stats.enrichRequests += 1;
    const ids = idList.split(',').filter(Boolean);
    const expand = new Set((url.searchParams.get('expand') ?? '').split(',').filter(Boolean));
    const omit = this.faults.omitFromBatchEvery;
    const found = ids
      .map((id) => data.byId.get(id))
      .filter((r): r is SimulatedRecord => r !== undefined && !(ids.length > 1 && omit > 0 && r.sequence % omit === 0));
    if (found.length === 0) return this.envelope(res, 404, 'resource_not_found', `Record ${idList} cannot be found.`);
    this.json(res, 200, { result: shuffled(this.shuffle, found).map((r) => this.recordBody(data, r, true, expand)), status: 200 });
  }

  private child(data: AgencyData, id: string, child: string, res: ServerResponse): void {
    this.stats.childRequests += 1;
    const record = data.byId.get(id);
    if (!record) return this.envelope(res, 404, 'resource_not_found', `Record ${id} cannot be found.`);
    const body = this.recordBody(data, record, true, new Set([child])) as Record<string, unknown>;
    this.json(res, 200, { result: body[child] ?? [], status: 200 });
  }

  private recordBody(data: AgencyData, r: SimulatedRecord, detailed: boolean, expand = new Set<string>()): object {
    const [group, type, subType, category] = r.typeValue.split('/');
    const value = r.id.slice(r.id.indexOf('-') + 1);
    const body: Record<string, unknown> = {
      id: r.id,
      type: { module: 'Building', value: r.typeValue, group, type, subType, category, text: `${type} ${subType}`, id: r.typeValue.replace(/\//g, '-') },
      module: 'Building',
      serviceProviderCode: data.options.agency,
      customId: `BLD${r.openedDate.slice(2, 4)}-${String(r.sequence).padStart(5, '0')}`,
      openedDate: r.openedDate,
      trackingId: r.malformed ? 'not-a-number' : 200_000_000_000 + r.sequence,
      value,
    };
    if (r.status) body.status = { value: r.status, text: r.status };
    if (!detailed) return body;
    body.updateDate = r.updateDate;
    body.description = r.description;
    body.recordClass = 'COMPLETE';
    const property = data.properties[r.propertyIndex]!;
    const day = r.openedDate.slice(0, 10);
    const recordId = { id: r.id, serviceProviderCode: data.options.agency, trackingId: 200_000_000_000 + r.sequence, value };
    if (expand.has('addresses')) {
      // Clerks spell the same address several ways; normalization must bring them together.
      const spelling = r.sequence % 3;
      const streetAddress =
        spelling === 0 ? `${property.houseNumber} ${property.street} ${property.suffix[0]}`
        : spelling === 1 ? `${property.houseNumber} ${property.street.toUpperCase()} ${property.suffix[1]}`
        : `${property.houseNumber} ${property.street.toLowerCase()} ${property.suffix[1].toLowerCase()}.`;
      body.addresses = [{
        id: 1_000_000_000 + r.sequence, isPrimary: 'Y', streetStart: property.houseNumber, houseAlphaStart: String(property.houseNumber),
        streetName: property.street, streetSuffix: { value: property.suffix[1], text: property.suffix[1] }, streetAddress,
        city: spelling === 1 ? property.city.toUpperCase() : property.city, state: { value: 'FL', text: 'FL' }, postalCode: property.postalCode,
        country: { value: 'US', text: 'United States' }, serviceProviderCode: data.options.agency, recordId,
      }];
    }
    if (expand.has('owners')) {
      const owner = data.ownerAt(property, day);
      body.owners = [{
        id: 900_000_000 + r.propertyIndex, isPrimary: 'Y', fullName: owner.fullName, phone: owner.phone, email: owner.email,
        mailAddress: { addressLine1: `${property.houseNumber} ${property.street} ${property.suffix[0]}`, city: property.city, state: { value: 'FL', text: 'FL' }, postalCode: property.postalCode, country: { value: 'US', text: 'United States' } },
        status: { value: 'A', text: 'Active' },
      }];
    }
    if (expand.has('parcels')) {
      body.parcels = [{
        id: property.parcelNumber, parcelNumber: property.parcelNumber, isPrimary: 'Y', landValue: property.landValue, improvedValue: property.improvedValue,
        status: { value: 'A', text: 'Active' }, recordId,
      }];
    }
    return body;
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-powered-by': 'Undertow/1', 'x-accela-traceid': traceId() });
    res.end(JSON.stringify(body));
  }

  private envelope(res: ServerResponse, status: number, code: string, message: string, more?: string): void {
    const trace = traceId();
    res.writeHead(status, {
      'content-type': 'application/json', 'x-accela-traceid': trace, 'x-accela-resp-code': code, 'x-accela-resp-message': message,
    });
    res.end(JSON.stringify({ status, code, message, ...(more ? { more } : {}), traceId: trace }));
  }
}

/** `yyMMddHHmmssfff-xxxxxxxx`, as Accela's trace ids look. */
function traceId(): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(2, 17);
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

export async function startAccelaSimulator(options: AccelaSimulatorOptions = {}) {
  const simulator = new AccelaSimulator(options);
  const url = await simulator.listen();
  return { url, simulator, close: () => simulator.close() };
}
