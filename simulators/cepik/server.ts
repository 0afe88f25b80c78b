import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOn } from '../http-server';
import { z } from 'zod';
import { fromCepikDate, toIsoDate } from '../../domain/registrations/dates';
import { isWithinApiLimit } from '../../domain/registrations/windows';
import { DEFAULT_DATASET, type DatasetOptions, type SimulatedVehicle, selectRegistrations } from './dataset';
import { configureRequestSchema, injectRequestSchema, readJson } from './control';
import { errorBody, type ListRequest, listEnvelope } from './envelope';
import { type RandomFaultOptions, RandomFaults } from '../random-faults';

/** `limit-reached`: 403 API-ERR-100011 naming no wait; `limit-reached-429`: 429 API-ERR-100011 naming its wait ("zaczekaj Ns"). */
export type CepikFault = '429' | '404' | 'truncated' | 'overloaded' | 'limit-reached' | 'limit-reached-429';

export interface CepikSimulatorOptions {
  host?: string;
  port?: number;
  dataset?: Partial<DatasetOptions>;
  /** Added before every answer. */
  latencyMs?: number;
  /** Token bucket per simulator (burst = one second's worth); beyond it: 429 "zaczekaj Ns". */
  rateLimitPerSecond?: number;
  /** The wait a 429 body names (rate limit and `limit-reached-429`). */
  rateLimitedWaitSeconds?: number;
  /** Report `count = limit + 1` and `last` = page 2 whenever there is more than one page. */
  countGlitch?: boolean;
  /** Consecutive pages share one record (ties in no stable order make the real API repeat ids). */
  duplicateAcrossPages?: boolean;
  /** Deterministic periodic faults: every Nth list request gets the fault. */
  faultEvery?: Partial<Record<CepikFault, number>>;
  /** Every list request fails as overloaded (an outage). */
  outage?: boolean;
  /** Every Nth vehicle of a selection carries a malformed first-registration date (a record the client must reject). */
  malformedEvery?: number;
  /** Seeded random 5xx, 429 ("zaczekaj 1s") and hangs on list requests, after the rate limit. */
  randomFaults?: RandomFaultOptions;
}

export interface RequestLog {
  total: number;
  /** Answers by HTTP status (a truncated body counts as 200). */
  byStatus: Record<number, number>;
  /** 200 answers with a complete page. */
  pagesServed: number;
  faultsInjected: number;
}

export interface RunningCepikSimulator {
  url: string;
  close(): Promise<void>;
  /** Ground truth: distinct well-formed vehicles of a brand registered in a region within [from, to] (ISO dates). */
  countRegistrations(query: { region: string; brand: string; from: string; to: string }): number;
  /** How many of them are malformed on purpose (see `malformedEvery`). */
  countMalformed(query: { region: string; brand: string; from: string; to: string }): number;
  /** Pages a client needs at least for a query, with the given page size. */
  minimumPages(query: { region: string; brand: string; from: string; to: string }, pageSize: number): number;
  requests: RequestLog;
  resetRequests(): void;
  /** Queues faults for the next list requests, in order. */
  injectFaults(...faults: CepikFault[]): void;
  configure(changes: Partial<Omit<CepikSimulatorOptions, 'host' | 'port' | 'dataset' | 'randomFaults'>>): void;
  /** The random faults served so far, by kind. */
  randomFaults: RandomFaults;
}

const BAD_REQUEST_RESULT = 'Przepraszamy, nie można zwrócić danych.';

export async function startCepikSimulator(options: CepikSimulatorOptions = {}): Promise<RunningCepikSimulator> {
  const dataset: DatasetOptions = { ...DEFAULT_DATASET, ...options.dataset };
  const settings = { latencyMs: 0, rateLimitPerSecond: 20, rateLimitedWaitSeconds: 60, countGlitch: false, duplicateAcrossPages: false, outage: false, faultEvery: {}, malformedEvery: 0, ...options } as Required<Omit<CepikSimulatorOptions, 'host' | 'port' | 'dataset' | 'randomFaults'>>;
  const randomFaults = new RandomFaults(options.randomFaults);
  const queuedFaults: CepikFault[] = [];
  // Paging re-reads the same selection page after page; keep the last few instead of regenerating them.
  const selections = new Map<string, ReturnType<typeof selectRegistrations>>();
  const selection = (query: { region: string; from: string; to: string; brand?: string }) => {
    const key = `${query.region}|${query.from}|${query.to}|${query.brand ?? '*'}`;
    let selected = selections.get(key);
    if (!selected) {
      selected = selectRegistrations(dataset, query);
      if (selections.size >= 32) selections.delete(selections.keys().next().value!);
      selections.set(key, selected);
    }
    return selected;
  };
  const requests: RequestLog = { total: 0, byStatus: {}, pagesServed: 0, faultsInjected: 0 };
  let listRequests = 0;
  let tokens = settings.rateLimitPerSecond;
  let refilledAt = Date.now();
  let baseUrl = '';

  const takeToken = (): number | undefined => {
    const now = Date.now();
    tokens = Math.min(settings.rateLimitPerSecond, tokens + ((now - refilledAt) / 1000) * settings.rateLimitPerSecond);
    refilledAt = now;
    if (tokens < 1) return undefined;
    tokens -= 1;
    return Math.floor(tokens);
  };

  const isMalformed = (index: number) => settings.malformedEvery > 0 && index % settings.malformedEvery === settings.malformedEvery - 1;
  const malformedAmong = (length: number) => (settings.malformedEvery > 0 ? Math.floor(length / settings.malformedEvery) : 0);
  const malformed = (vehicle: SimulatedVehicle): SimulatedVehicle => {
    const date = vehicle.attributes['data-pierwszej-rejestracji-w-kraju'] as string;
    return { ...vehicle, attributes: { ...vehicle.attributes, 'data-pierwszej-rejestracji-w-kraju': date.split('-').reverse().join('.') } };
  };

  const send = (res: ServerResponse, status: number, body: unknown, remaining?: number) => {
    requests.byStatus[status] = (requests.byStatus[status] ?? 0) + 1;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      ...(remaining !== undefined ? { 'x-rate-limit-remaining': String(remaining) } : {}),
    });
    res.end(text);
  };

  const badRequest = (res: ServerResponse, reason: string, remaining: number) =>
    send(res, 400, errorBody('API-ERR-100001', BAD_REQUEST_RESULT, reason), remaining);

  const nextFault = (): CepikFault | undefined => {
    if (settings.outage) return 'overloaded';
    const queued = queuedFaults.shift();
    if (queued) return queued;
    for (const [fault, every] of Object.entries(settings.faultEvery) as Array<[CepikFault, number]>) {
      if (every > 0 && listRequests % every === 0) return fault;
    }
    return undefined;
  };

  const handleList = async (url: URL, res: ServerResponse) => {
    listRequests += 1;
    const remaining = takeToken();
    if (remaining === undefined) {
      return send(res, 429, errorBody('API-ERR-100429', 'Zbyt wiele zapytań.', `Przekroczono limit zapytań, zaczekaj ${settings.rateLimitedWaitSeconds}s.`), 0);
    }
    const randomFault = randomFaults.next();
    if (randomFault?.kind === 'timeout') await new Promise((resolve) => setTimeout(resolve, randomFault.holdMs));
    if (randomFault?.kind === 'server-error') {
      return send(res, randomFault.status, errorBody('API-ERR-100005', 'Serwer przeciążony.', 'Spróbuj ponownie później.', 'root'), remaining);
    }
    if (randomFault?.kind === 'rate-limited') {
      return send(res, 429, errorBody('API-ERR-100429', 'Zbyt wiele zapytań.', `Przekroczono limit zapytań, zaczekaj ${randomFault.retryAfterSeconds}s.`), 0);
    }
    const fault = nextFault();
    if (fault) {
      requests.faultsInjected += 1;
      switch (fault) {
        case '429':
          return send(res, 429, errorBody('API-ERR-100429', 'Zbyt wiele zapytań.', `Osiągnięto maksymalną liczbę równoległych połączeń, zaczekaj ${settings.rateLimitedWaitSeconds}s.`), 0);
        case '404':
          return send(res, 404, errorBody('API-ERR-100404', 'Nie znaleziono zasobu.', 'Brak danych.', 'root'), remaining);
        case 'overloaded':
          return send(res, 503, errorBody('API-ERR-100005', 'Serwer przeciążony.', 'Spróbuj ponownie później.', 'root'), remaining);
        case 'limit-reached':
          return send(res, 403, errorBody('API-ERR-100011', 'Osiągnięto limit API.', 'Limit wywołań został wyczerpany.'), 0);
        case 'limit-reached-429':
          return send(res, 429, errorBody('API-ERR-100011', 'Osiągnięto limit API.', `Limit wywołań został wyczerpany, zaczekaj ${settings.rateLimitedWaitSeconds}s.`), 0);
        case 'truncated':
          break; // answered below with a cut-off page
      }
    }

    const params = url.searchParams;
    const region = params.get('wojewodztwo');
    const fromRaw = params.get('data-od');
    if (!region) return badRequest(res, 'Parametr: wojewodztwo jest wymagany.', remaining);
    if (!fromRaw) return badRequest(res, 'Parametr: data-od jest wymagany.', remaining);
    const from = fromCepikDate(fromRaw);
    const toRaw = params.get('data-do') ?? toIsoDate(new Date()).replaceAll('-', '');
    const to = fromCepikDate(toRaw);
    if (!from || !to) return badRequest(res, 'Parametry: data-od, data-do mają nieprawidłowy format (RRRRMMDD).', remaining);
    if (from > to || !isWithinApiLimit({ from, to })) {
      return badRequest(res, 'Parametry: data-od, data-do mają nieprawidłową wartość. Błędny zakres dat. Maksymalny zakres lat to: 2.', remaining);
    }
    const limit = Number(params.get('limit') ?? '100');
    const page = Number(params.get('page') ?? '1');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return badRequest(res, 'Parametr: limit ma nieprawidłową wartość (1-500).', remaining);
    if (!Number.isInteger(page) || page < 1) return badRequest(res, 'Parametr: page ma nieprawidłową wartość.', remaining);
    const dateType = params.get('typ-daty') ?? '1';
    if (dateType !== '1' && dateType !== '2') return badRequest(res, 'Parametr: typ-daty ma nieprawidłową wartość.', remaining);
    const brand = params.get('filter[marka]') ?? undefined;

    const request: ListRequest = {
      region,
      from: fromRaw,
      to: toRaw,
      dateType,
      onlyRegistered: params.get('tylko-zarejestrowane') ?? 'true',
      allFields: params.get('pokaz-wszystkie-pola') ?? 'false',
      limit,
      brand,
    };
    const all = selection({ region, from, to, brand });
    const step = settings.duplicateAcrossPages && limit > 1 ? limit - 1 : limit;
    const start = (page - 1) * step;
    const items = all.slice(start, start + limit).map((vehicle, offset) => (isMalformed(start + offset) ? malformed(vehicle) : vehicle));
    const truePages = all.length <= limit ? 1 : 1 + Math.ceil((all.length - limit) / step);
    const glitch = settings.countGlitch && all.length > limit;
    const body = listEnvelope({
      baseUrl,
      request,
      page,
      items,
      reportedCount: glitch ? limit + 1 : all.length,
      lastPage: glitch ? 2 : truePages,
      hasNext: start + limit < all.length,
      updatedOn: '2026-11-21',
    });
    if (fault === 'truncated') {
      const text = JSON.stringify(body);
      const cut = text.slice(0, Math.floor(text.length / 2));
      requests.byStatus[200] = (requests.byStatus[200] ?? 0) + 1;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-rate-limit-remaining': String(remaining) });
      return res.end(cut);
    }
    requests.pagesServed += 1;
    return send(res, 200, body, remaining);
  };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const handleControl = async (req: IncomingMessage, pathname: string, res: ServerResponse) => {
    if (req.method === 'GET' && pathname === '/_simulator/requests') return reply(res, 200, requests);
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return reply(res, 400, { error: 'body is not JSON' });
    }
    const schema = pathname === '/_simulator/configure' ? configureRequestSchema : pathname === '/_simulator/faults' ? injectRequestSchema : undefined;
    if (req.method !== 'POST' || !schema) return reply(res, 404, { error: `no control route ${req.method} ${pathname}` });
    const parsed = schema.safeParse(body);
    if (!parsed.success) return reply(res, 400, { error: z.prettifyError(parsed.error) });
    if ('faults' in parsed.data) queuedFaults.push(...parsed.data.faults);
    else simulator.configure(parsed.data);
    return reply(res, 200, { ok: true });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    // Control calls are neither delayed nor counted: the log describes the API traffic only.
    if (url.pathname.startsWith('/_simulator/')) return handleControl(req, url.pathname, res);
    requests.total += 1;
    if (settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
    if (req.method === 'GET' && url.pathname === '/pojazdy') return handleList(url, res);
    if (req.method === 'GET' && url.pathname === '/version') return send(res, 200, { major: '1', minor: '2', patch: '3-sim', dateMod: '2026-11-21' });
    return send(res, 404, errorBody('API-ERR-100404', 'Nie znaleziono zasobu.', `Brak zasobu ${url.pathname}.`));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, errorBody('API-ERR-100000', 'Błąd serwera.', String(error)));
    });
  });
  baseUrl = await listenOn(server, options.host ?? '127.0.0.1', options.port ?? 0);

  const simulator: RunningCepikSimulator = {
    url: baseUrl,
    close: () => closeServer(server),
    countRegistrations: (query) => selection(query).length - malformedAmong(selection(query).length),
    countMalformed: (query) => malformedAmong(selection(query).length),
    minimumPages: (query, pageSize) => Math.max(1, Math.ceil(selection(query).length / pageSize)),
    requests,
    resetRequests() {
      Object.assign(requests, { total: 0, byStatus: {}, pagesServed: 0, faultsInjected: 0 });
    },
    injectFaults: (...faults) => queuedFaults.push(...faults),
    randomFaults,
    configure(changes) {
      Object.assign(settings, changes);
      if (changes.rateLimitPerSecond !== undefined) tokens = changes.rateLimitPerSecond;
    },
  };
  return simulator;
}
