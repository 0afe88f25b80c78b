import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../http-server';
import { generateInventory, type InventoryOptions, matchesFilters, type SearchFilters, type SimulatedCar } from './inventory';
import { type RandomFaultOptions, RandomFaults } from '../random-faults';
import { GATEWAY_OPERATION, GATEWAY_PATH, gatewayError, gatewayResponse, readGatewayRequest } from './gateway';
import { challengePage, consentMessagePage, type PageEntry, resultsPage, type SlotMarkerPlacement } from './page-html';

/** Organic adverts per result page, and the last page the site serves for one search. */
export const ORGANIC_PER_PAGE = 20;
export const MAX_PAGES = 100;

export interface AutotraderSimulatorOptions {
  host?: string;
  port?: number;
  /** Server-side delay before each search page is answered. */
  latencyMs?: number;
  /** Client-side time from the page's script start until skeleton cards are replaced by real ones. */
  renderDelayMs?: number;
  /**
   * The page's script loads the adverts from `POST /at-gateway` as the real SPA does (the default), or
   * (false) renders data shipped in the page, so no gateway call is seen. The older layout never calls it.
   */
  gatewayCall?: boolean;
  layout?: 'current' | 'legacy';
  /** Where ad slots carry their marker: inside the card (as recorded, the default) or on an enclosing block. */
  slotMarkers?: SlotMarkerPlacement;
  /** Show the Sourcepoint-style consent banner until "Accept All" (or the consent cookie) is seen. */
  consent?: boolean;
  /** Answer every search (true) or the searches for these models with a Cloudflare-style challenge page. */
  challenge?: ChallengeMode;
  inventory?: InventoryOptions;
  /** Seeded random 5xx, 429 (Retry-After: 1) and hangs on search pages. */
  randomFaults?: RandomFaultOptions;
}

export type ChallengeMode = boolean | { models: string[] };

export interface SearchQuery extends SearchFilters {
  make: string;
  model: string;
}

export interface RunningAutotraderSimulator {
  url: string;
  close(): Promise<void>;
  /** Ground truth: every car of a make and model, under-priced ones flagged. */
  inventory(make: string, model: string): SimulatedCar[];
  /** Ground truth: the organic adverts a search can reach, in page order (at most 100 pages). */
  organicResults(query: SearchQuery): SimulatedCar[];
  setChallenge(mode: ChallengeMode): void;
  setLatency(ms: number): void;
  stats: { searchRequests: number; gatewayRequests: number; challengesServed: number; consentAccepted: number; pagesServed: Map<string, number> };
  /** The random faults served so far, by kind. */
  randomFaults: RandomFaults;
}

/**
 * A local AutoTrader UK: `/car-search` pages with the real page's `data-testid` structure, skeletons
 * replaced client-side, ad slots (a featured advert at the top that a "you may also like" slot repeats,
 * a promoted advert of another model), `page=N` past the end repeating the last page, a 100-page cap,
 * an optional consent banner, bot challenge, older layout, and ad-slot markers outside the card.
 */
export async function startAutotraderSimulator(options: AutotraderSimulatorOptions = {}): Promise<RunningAutotraderSimulator> {
  let latencyMs = options.latencyMs ?? 0;
  let challenge = options.challenge ?? false;
  const renderDelayMs = options.renderDelayMs ?? 250;
  const layout = options.layout ?? 'current';
  const cache = new Map<string, SimulatedCar[]>();
  const inventory = (make: string, model: string) => {
    const key = `${make.toLowerCase()}|${model.toLowerCase()}`;
    let cars = cache.get(key);
    if (!cars) cache.set(key, (cars = generateInventory(make, model, options.inventory)));
    return cars;
  };
  const matching = (query: SearchQuery) => inventory(query.make, query.model).filter((car) => matchesFilters(car, query));
  const stats = { searchRequests: 0, gatewayRequests: 0, challengesServed: 0, consentAccepted: 0, pagesServed: new Map<string, number>() };
  const gatewayCall = (options.gatewayCall ?? true) && layout === 'current';

  /** One page of a search: its organic adverts with the ad slots placed as on the real page. */
  const searchPage = (query: SearchQuery, requestedPage: number) => {
    const results = matching(query);
    const lastPage = Math.max(1, Math.min(MAX_PAGES, Math.ceil(results.length / ORGANIC_PER_PAGE)));
    // Past the end the site does not 404: it serves its last page again.
    const page = Math.min(lastPage, Math.max(1, requestedPage || 1));
    const organic = results.slice((page - 1) * ORGANIC_PER_PAGE, page * ORGANIC_PER_PAGE);
    const entries: PageEntry[] = organic.map((car) => ({ car, slot: null }));
    if (results.length > 3) {
      const featured = results[3]!;
      const promoted = generateInventory(query.make, `${query.model} promoted`, { size: 1 })[0]!;
      entries.unshift({ car: featured, slot: 'FEATURED_LISTING' });
      entries.splice(Math.min(entries.length, 11), 0, { car: promoted, slot: 'PROMOTED_LISTING' });
      entries.splice(Math.min(entries.length, 13), 0, { car: featured, slot: 'YOU_MAY_ALSO_LIKE' });
    }
    return { entries, page, resultCount: results.length };
  };
  const randomFaults = new RandomFaults(options.randomFaults);

  const search = async (url: URL, request: IncomingMessage, response: ServerResponse) => {
    stats.searchRequests += 1;
    const model = (url.searchParams.get('model') ?? '').toLowerCase();
    const challenged = typeof challenge === 'boolean' ? challenge : challenge.models.some((m) => m.toLowerCase() === model);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const fault = randomFaults.next();
    if (fault?.kind === 'timeout') await new Promise((resolve) => setTimeout(resolve, fault.holdMs));
    if (fault?.kind === 'server-error' || fault?.kind === 'rate-limited') {
      const status = fault.kind === 'server-error' ? fault.status : 429;
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...(fault.kind === 'rate-limited' ? { 'retry-after': String(fault.retryAfterSeconds) } : {}) });
      response.end(`<!doctype html><title>${status}</title><h1>Error ${status}</h1>`);
      return;
    }
    if (challenged) {
      stats.challengesServed += 1;
      response.writeHead(403, { 'content-type': 'text/html; charset=utf-8', 'cf-mitigated': 'challenge', 'cache-control': 'no-store' });
      response.end(challengePage());
      return;
    }
    const query: SearchQuery = {
      make: url.searchParams.get('make') ?? '',
      model: url.searchParams.get('model') ?? '',
      fuelType: url.searchParams.get('fuel-type'),
      transmission: url.searchParams.get('transmission'),
      yearFrom: Number(url.searchParams.get('year-from')) || null,
    };
    const { entries, page, resultCount } = searchPage(query, Number.parseInt(url.searchParams.get('page') ?? '1', 10));
    const key = `${query.make}|${query.model}|${page}`;
    stats.pagesServed.set(key, (stats.pagesServed.get(key) ?? 0) + 1);
    const consented = /(?:^|;\s*)acceptATCookies=true/.test(request.headers.cookie ?? '');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(
      resultsPage({
        title: `Used ${query.make} ${query.model} cars for sale | AutoTrader UK (simulated)`,
        resultCount,
        entries,
        page,
        layout,
        renderDelayMs,
        gatewayCall,
        showConsent: Boolean(options.consent) && !consented,
        slotMarkers: options.slotMarkers ?? 'inside',
      }),
    );
  };

  const gateway = async (request: IncomingMessage, response: ServerResponse) => {
    stats.gatewayRequests += 1;
    let body = '';
    for await (const chunk of request) body += chunk;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const search = readGatewayRequest(body);
    const json = (value: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(value));
    };
    if ('error' in search) return json(gatewayError(search.error));
    const { entries, page, resultCount } = searchPage(search, search.page);
    // As recorded: the page count is not capped at the 100 pages the gateway serves.
    json(gatewayResponse(entries, page, Math.ceil(resultCount / ORGANIC_PER_PAGE), resultCount));
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    if (url.pathname === GATEWAY_PATH && request.method === 'POST' && url.searchParams.get('opname') === GATEWAY_OPERATION) {
      gateway(request, response).catch((error) => {
        response.writeHead(500);
        response.end(String(error));
      });
      return;
    }
    if (url.pathname === '/car-search') {
      search(url, request, response).catch((error) => {
        response.writeHead(500);
        response.end(String(error));
      });
      return;
    }
    if (url.pathname === '/privacy-mgmt/message') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(consentMessagePage());
      return;
    }
    if (url.pathname === '/privacy-mgmt/choice' && request.method === 'POST') {
      const accepted = url.searchParams.get('accept') === 'true';
      if (accepted) stats.consentAccepted += 1;
      response.writeHead(204, { 'set-cookie': `acceptATCookies=${accepted}; Path=/; SameSite=Lax` });
      response.end();
      return;
    }
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>AutoTrader UK simulator</title><p>Try /car-search?make=Ford&amp;model=Fiesta&amp;page=1</p>');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  server.keepAliveTimeout = 5_000;
  const url = await listenOn(server, options.host ?? '127.0.0.1', options.port ?? 0);
  return {
    url,
    close: () => closeServer(server),
    inventory,
    organicResults: (query) => matching(query).slice(0, MAX_PAGES * ORGANIC_PER_PAGE),
    setChallenge: (mode) => {
      challenge = mode;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    stats,
    randomFaults,
  };
}
