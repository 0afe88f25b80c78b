import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { closeServer, listening } from '../http-server';
import type { RunningSimulator } from '../registry';
import { createContactProperties, tagsProperties, updateContactProperties, upsertContactProperties } from './contact-dtos';
import { ContactStore, type MatchingField, PhoneRejected, type SearchFilter, searchOperators, type StoredContact } from './contact-store';
import { RateWindow } from './rate-window';
import { seededUniform } from '../seeded-random';

export const HIGHLEVEL_SIMULATOR_TOKEN = 'pit-simulator-0000-0000-000000000000';
export const HIGHLEVEL_SIMULATOR_LOCATION = 'SimLocation000000001';
const PUBLISHED_VERSIONS = new Set(['2021-07-28', '2021-04-15', '2023-02-21', 'v3']);

export interface HighLevelSimulatorOptions {
  host: string;
  port: number;
  /** Bearer token → the location it may reach. */
  tokens?: Record<string, string>;
  latencyMs?: number;
  rateLimitMax?: number;
  rateLimitIntervalMs?: number;
  dailyLimit?: number;
  allowDuplicates?: boolean;
  duplicatePriority?: readonly MatchingField[];
  defaultCountry?: string;
  /** Passing errors at random, as fractions of the admitted requests (e.g. `{ 429: 0.05, 500: 0.02 }`). */
  faultRates?: FaultRates;
  /** Seeds the random faults, so a run can be repeated exactly (default 1). */
  faultSeed?: number;
  /** How late a request drawn as a `timeout` is answered (it is carried out all the same); default 20 s. */
  timeoutHoldMs?: number;
}

/**
 * The share of requests answered 429 (with the window's real headers) or 500, at random; and of
 * requests carried out but answered `timeoutHoldMs` late (`timeout`), past the client's timeout.
 */
export interface FaultRates {
  429?: number;
  500?: number;
  timeout?: number;
}

/**
 * A forced answer for the next `count` matching requests (before any other handling, after rate
 * accounting): an error status, or with `body` a reply of any shape (e.g. a malformed success).
 * With `delayMs` and no `status` the request is carried out as usual and answered `delayMs` late:
 * a client that times out meanwhile never learns that its write was done.
 */
export interface InjectedFault {
  status?: 200 | 201 | 400 | 422 | 429 | 500 | 502 | 503;
  body?: unknown;
  delayMs?: number;
  count: number;
  method?: string;
  pathPrefix?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: { version: string | null; authorization: string | null; contentType: string | null };
  body: unknown;
  status: number;
  responseBody: unknown;
  at: number;
}

export interface RunningHighLevelSimulator extends RunningSimulator {
  token: string;
  locationId: string;
  /** Every contact, as HighLevel holds it (ground truth for tests). */
  contacts(): StoredContact[];
  requests: LoggedRequest[];
  /** 429s given because the budget was spent (not injected ones). */
  rateLimited(): number;
  /** The most requests of one location seen inside any one rate-limit interval. */
  peakRequestsInWindow(): number;
  setLatency(ms: number): void;
  /** HighLevel's "Allow Duplicate Contact" location setting: creates then never fail as duplicates. */
  setAllowDuplicates(allow: boolean): void;
  injectFaults(fault: InjectedFault): void;
  /** Random passing errors from now on (`{}` for none). */
  setFaultRates(rates: FaultRates): void;
  reset(): void;
}

function randomFaultStatus(rates: FaultRates, draw: number): 429 | 500 | undefined {
  const rate429 = rates[429] ?? 0;
  if (draw < rate429) return 429;
  if (draw < rate429 + (rates[500] ?? 0)) return 500;
  return undefined;
}

/** A draw past the error shares that falls in the `timeout` share. */
function isRandomTimeout(rates: FaultRates, draw: number): boolean {
  const errors = (rates[429] ?? 0) + (rates[500] ?? 0);
  return draw >= errors && draw < errors + (rates.timeout ?? 0);
}

function errorBody(status: number, message: string | string[], extra: Record<string, unknown> = {}) {
  const error = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 422: 'Unprocessable Entity', 429: 'Too Many Requests' }[
    status
  ];
  return { statusCode: status, message, ...(error && status !== 400 ? { error } : {}), ...extra };
}

/** What HighLevel returns for a contact: absent values are left out, as the official schemas have no nulls. */
function contactView(contact: StoredContact): Record<string, unknown> {
  return Object.fromEntries(Object.entries(contact).filter(([, value]) => value !== null && value !== undefined));
}

function unknownProperties(body: Record<string, unknown>, allowed: Set<string>): string[] {
  return Object.keys(body)
    .filter((key) => !allowed.has(key))
    .map((key) => `property ${key} should not exist`);
}

/**
 * HighLevel's v2 contacts API for the lead sync: create, get, update, upsert, duplicate search,
 * advanced search, add and remove tags, with the Version and token checks, DTO whitelists, the duplicate rule, lower-cased
 * tags, per-location rate limits with the X-RateLimit-* headers, latency, injected faults and random passing errors.
 */
export async function startHighLevelSimulator(options: HighLevelSimulatorOptions): Promise<RunningHighLevelSimulator> {
  const tokens = options.tokens ?? { [HIGHLEVEL_SIMULATOR_TOKEN]: HIGHLEVEL_SIMULATOR_LOCATION };
  const store = new ContactStore({
    allowDuplicates: options.allowDuplicates ?? false,
    priority: options.duplicatePriority ?? ['email', 'phone'],
    defaultCountry: options.defaultCountry ?? 'US',
  });
  const newWindow = () =>
    new RateWindow(options.rateLimitMax ?? 100, options.rateLimitIntervalMs ?? 10_000, options.dailyLimit ?? 200_000);
  let windows = new Map<string, RateWindow>();
  let latencyMs = options.latencyMs ?? 0;
  let faults: InjectedFault[] = [];
  let faultRates: FaultRates = options.faultRates ?? {};
  const random = seededUniform(options.faultSeed ?? 1);
  const timeoutHoldMs = options.timeoutHoldMs ?? 20_000;
  let rateLimited = 0;
  const requests: LoggedRequest[] = [];

  const app = new Hono<{ Variables: { locationId: string; window: RateWindow; body: Record<string, unknown> } }>();

  app.use('*', async (c, next) => {
    const at = Date.now();
    const text = c.req.method === 'GET' ? '' : await c.req.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    c.set('body', (body && typeof body === 'object' ? body : {}) as Record<string, unknown>);
    const url = new URL(c.req.url);
    const entry: LoggedRequest = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: {
        version: c.req.header('version') ?? null,
        authorization: c.req.header('authorization') ?? null,
        contentType: c.req.header('content-type') ?? null,
      },
      body,
      status: 0,
      responseBody: null,
      at,
    };
    requests.push(entry);
    await next();
    if (latencyMs > 0) await sleep(latencyMs);
    entry.status = c.res.status;
    entry.responseBody = await c.res.clone().json().catch(() => null);
  });

  app.use('*', async (c, next) => {
    const version = c.req.header('version');
    if (!version) return c.json(errorBody(401, 'version header was not found.'), 401);
    if (!PUBLISHED_VERSIONS.has(version)) return c.json(errorBody(401, 'version header is invalid'), 401);
    const token = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const locationId = token ? tokens[token] : undefined;
    if (!token || !locationId) return c.json(errorBody(401, 'Invalid token: access token is invalid'), 401);
    let window = windows.get(locationId);
    if (!window) windows.set(locationId, (window = newWindow()));
    c.set('locationId', locationId);
    c.set('window', window);
    const admitted = window.admit(Date.now());
    const fault = faults.find(
      (f) => f.count > 0 && (!f.method || f.method === c.req.method) && (!f.pathPrefix || c.req.path.startsWith(f.pathPrefix)),
    );
    if (!admitted) rateLimited += 1;
    if (fault) fault.count -= 1;
    const draw = !fault && admitted ? random() : undefined;
    const status = fault ? fault.status : draw !== undefined ? randomFaultStatus(faultRates, draw) : undefined;
    const answerLateByMs = fault?.delayMs ?? (draw !== undefined && isRandomTimeout(faultRates, draw) ? timeoutHoldMs : 0);
    if (!admitted || status === 429) {
      c.res = c.json(errorBody(429, 'Too Many Requests'), 429);
    } else if (status !== undefined) {
      c.res = c.json((fault?.body ?? { statusCode: status, message: 'Internal server error' }) as object, status);
    } else {
      await next();
      if (answerLateByMs > 0) await sleep(answerLateByMs);
    }
    for (const [name, value] of Object.entries(window.headers())) c.res.headers.set(name, value);
  });

  const forbidden = (c: Context) => c.json(errorBody(403, 'The token does not have access to this location.'), 403);
  const duplicate = (c: Context, of: StoredContact, field: MatchingField) =>
    c.json(
      errorBody(400, 'This location does not allow duplicated contacts.', {
        meta: { contactId: of.id, contactName: [of.firstName, of.lastName].filter(Boolean).join(' ') || null, matchingField: field },
      }),
      400,
    );
  const ownContact = (c: Context<any>, id: string): StoredContact | Response => {
    const contact = store.get(id);
    if (!contact) return c.json(errorBody(400, `Contact with id ${id} not found`), 400);
    if (contact.locationId !== c.get('locationId')) return forbidden(c);
    return contact;
  };
  const tagList = (body: Record<string, unknown>): string[] | null =>
    Array.isArray(body.tags) && body.tags.every((tag) => typeof tag === 'string') ? (body.tags as string[]) : null;

  app.get('/contacts/search/duplicate', (c) => {
    const locationId = c.req.query('locationId');
    if (!locationId) return c.json(errorBody(422, ['locationId should not be empty', 'locationId must be a string']), 422);
    if (locationId !== c.get('locationId')) return forbidden(c);
    const email = c.req.query('email') || null;
    const number = c.req.query('number') || null;
    if (!email && !number) return c.json(errorBody(400, 'Pass at least one of number, email query parameter'), 400);
    let phone: string | null = null;
    try {
      phone = number ? store.normalisePhone(number) : null;
    } catch (error) {
      if (error instanceof PhoneRejected) return c.json(errorBody(400, error.message), 400);
      throw error;
    }
    const match = store.findMatch(locationId, email, phone);
    return c.json({ contact: match ? contactView(match.contact) : null, traceId: randomUUID() }, 200);
  });

  app.post('/contacts/', (c) => {
    const body = c.get('body');
    const problems = unknownProperties(body, createContactProperties);
    if (typeof body.locationId !== 'string' || body.locationId === '') problems.push('locationId should not be empty');
    if ('tags' in body && !tagList(body)) problems.push('each value in tags must be a string');
    if (problems.length > 0) return c.json(errorBody(422, problems), 422);
    if (body.locationId !== c.get('locationId')) return forbidden(c);
    try {
      const result = store.create(c.get('locationId'), body);
      if (!result.ok) return duplicate(c, result.duplicateOf, result.matchingField);
      return c.json({ contact: contactView(result.contact) }, 201);
    } catch (error) {
      if (error instanceof PhoneRejected) return c.json(errorBody(400, error.message), 400);
      throw error;
    }
  });

  app.post('/contacts/upsert', (c) => {
    const body = c.get('body');
    const problems = unknownProperties(body, upsertContactProperties);
    if (typeof body.locationId !== 'string' || body.locationId === '') problems.push('locationId should not be empty');
    if ('tags' in body && !tagList(body)) problems.push('each value in tags must be a string');
    if (problems.length > 0) return c.json(errorBody(422, problems), 422);
    if (body.locationId !== c.get('locationId')) return forbidden(c);
    const { createNewIfDuplicateAllowed, ...fields } = body;
    try {
      const { contact, created } = store.upsert(c.get('locationId'), fields, createNewIfDuplicateAllowed === true);
      const view = contactView(contact);
      // Observed: an update answers with both spellings of "succeeded".
      const reply = created
        ? { new: true, contact: view, traceId: randomUUID() }
        : { new: false, succeded: true, succeeded: true, contact: view, traceId: randomUUID() };
      return c.json(reply, 200);
    } catch (error) {
      if (error instanceof PhoneRejected) return c.json(errorBody(400, error.message), 400);
      throw error;
    }
  });

  app.post('/contacts/search', (c) => {
    const body = c.get('body');
    const problems: string[] = [];
    if (typeof body.locationId !== 'string' || body.locationId === '') problems.push('locationId should not be empty');
    const pageLimit = body.pageLimit;
    if (typeof pageLimit !== 'number' || !Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 500) {
      problems.push('pageLimit must be an integer between 1 and 500');
    }
    const filters = (Array.isArray(body.filters) ? body.filters : []) as SearchFilter[];
    for (const filter of filters) {
      if (typeof filter?.field !== 'string' || !searchOperators.includes(filter.operator)) problems.push(`unsupported filter ${JSON.stringify(filter)}`);
    }
    if (problems.length > 0) return c.json(errorBody(422, problems), 422);
    if (body.locationId !== c.get('locationId')) return forbidden(c);
    const page = typeof body.page === 'number' && body.page >= 1 ? body.page : 1;
    const found = store.search(c.get('locationId'), filters);
    const contacts = found.slice((page - 1) * (pageLimit as number), page * (pageLimit as number)).map((contact) => ({
      ...contactView(contact),
      searchAfter: [Date.parse(contact.dateAdded), contact.id],
    }));
    return c.json({ contacts, total: found.length, traceId: randomUUID() }, 200);
  });

  app.get('/contacts/:contactId', (c) => {
    const contact = ownContact(c, c.req.param('contactId'));
    if (contact instanceof Response) return contact;
    return c.json({ contact: contactView(contact) }, 200);
  });

  app.put('/contacts/:contactId', (c) => {
    const body = c.get('body');
    const problems = unknownProperties(body, updateContactProperties);
    if ('tags' in body && !tagList(body)) problems.push('each value in tags must be a string');
    if (problems.length > 0) return c.json(errorBody(422, problems), 422);
    const contact = ownContact(c, c.req.param('contactId'));
    if (contact instanceof Response) return contact;
    try {
      const result = store.update(contact, body);
      if (!result.ok) return duplicate(c, result.duplicateOf, result.matchingField);
      return c.json({ succeded: true, contact: contactView(result.contact) }, 200);
    } catch (error) {
      if (error instanceof PhoneRejected) return c.json(errorBody(400, error.message), 400);
      throw error;
    }
  });

  const tagsRoute = (remove: boolean) => (c: Context<any>) => {
    const body = c.get('body') as Record<string, unknown>;
    const problems = unknownProperties(body, tagsProperties);
    const tags = tagList(body);
    if (!tags) problems.push('tags must be an array of strings');
    if (problems.length > 0 || !tags) return c.json(errorBody(422, problems), 422);
    const contact = ownContact(c, c.req.param('contactId') ?? '');
    if (contact instanceof Response) return contact;
    return remove ? c.json({ tags: store.removeTags(contact, tags) }, 200) : c.json({ tags: store.addTags(contact, tags) }, 201);
  };
  app.post('/contacts/:contactId/tags', tagsRoute(false));
  app.delete('/contacts/:contactId/tags', tagsRoute(true));

  app.notFound((c) => c.json(errorBody(404, `Cannot ${c.req.method} ${c.req.path}`), 404));

  const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port });
  const url = await listening(server, options.host);
  const [token, locationId] = Object.entries(tokens)[0]!;
  return {
    url,
    token,
    locationId,
    requests,
    contacts: () => store.all(),
    rateLimited: () => rateLimited,
    peakRequestsInWindow: () => Math.max(0, ...[...windows.values()].map((w) => w.peakInWindow)),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setAllowDuplicates: (allow) => store.setAllowDuplicates(allow),
    injectFaults: (fault) => {
      faults.push({ ...fault });
    },
    setFaultRates: (rates) => {
      faultRates = rates;
    },
    reset: () => {
      store.clear();
      windows = new Map();
      faults = [];
      faultRates = {};
      rateLimited = 0;
      requests.length = 0;
    },
    close: () => closeServer(server),
  };
}
