import { AccelaApiError, errorKindForStatus, REFRESHABLE_AUTH_CODES } from './errors';
import { AccelaHttp } from './http';
import type { AdaptiveRateLimiter, RequestKind } from './rate-limiter';
import type { z } from 'zod';
import { childListEnvelopeSchema, listEnvelopeSchema, ownerSchema, parcelSchema, recordAddressSchema, v4ErrorSchema } from './schemas';
import { type AccelaCredentials, AccelaTokenManager, type TokenCache } from './tokens';

export interface AccelaClientOptions {
  apiUrl: string;
  authUrl: string;
  credentials: AccelaCredentials;
  timeoutMs: number;
  limiter: AdaptiveRateLimiter;
  tokenCache: TokenCache;
  /** Identifies the county's tokens in the cache. */
  tokenCacheKey: string;
  tokenRefreshMarginMs: number;
  maxRateLimitRetries: number;
}

export type DateField = 'opened' | 'updated';

export interface ListRecordsQuery {
  module: string;
  type?: string;
  status?: string;
  dateField: DateField;
  /** `yyyy-MM-dd`, both inclusive. */
  from: string;
  to: string;
  offset: number;
  limit: number;
}

export interface RecordPage {
  /** Raw records: each is validated by the caller so one malformed record never loses the page. */
  records: unknown[];
  hasMore: boolean;
}

export const ENRICH_EXPANSIONS = ['addresses', 'owners', 'parcels'] as const;
const CHILD_SCHEMAS = { addresses: recordAddressSchema, owners: ownerSchema, parcels: parcelSchema };

/**
 * Accela Civic Platform V4 records API: password-grant tokens (raw token in `Authorization`, plus
 * `x-accela-appid`), adaptive pacing, 429 retries and typed errors from the v4 envelope.
 */
export class AccelaClient {
  private readonly http: AccelaHttp;
  private readonly tokens: AccelaTokenManager;

  constructor(private readonly options: AccelaClientOptions) {
    this.http = new AccelaHttp(options.timeoutMs);
    this.tokens = new AccelaTokenManager(
      this.http,
      options.authUrl,
      options.credentials,
      options.tokenCache,
      options.tokenCacheKey,
      options.tokenRefreshMarginMs,
    );
  }

  async listRecords(query: ListRecordsQuery): Promise<RecordPage> {
    const params = new URLSearchParams({ module: query.module });
    if (query.type) params.set('type', query.type);
    if (query.status) params.set('status', query.status);
    const [fromKey, toKey] = query.dateField === 'opened' ? ['openedDateFrom', 'openedDateTo'] : ['updateDateFrom', 'updateDateTo'];
    params.set(fromKey, query.from);
    params.set(toKey, query.to);
    params.set('limit', String(query.limit));
    params.set('offset', String(query.offset));
    const payload = await this.getJson(`/v4/records?${params.toString()}`, 'page');
    const envelope = parseEnvelope(listEnvelopeSchema, payload, 'GET /v4/records');
    const records = envelope.result ?? [];
    // Without `page`, a short page is the last one.
    const hasMore = envelope.page?.hasmore ?? records.length >= query.limit;
    return { records, hasMore };
  }

  /** `GET /v4/records/{id1,id2,…}?expand=…`: results come back in any order, so they are keyed by id. */
  async getRecordsByIds(ids: readonly string[], expand: readonly string[] = ENRICH_EXPANSIONS): Promise<Map<string, unknown>> {
    if (ids.length === 0) return new Map();
    const path = `/v4/records/${ids.map(encodeURIComponent).join(',')}?expand=${expand.join(',')}`;
    const payload = await this.getJson(path, 'enrich');
    const envelope = parseEnvelope(listEnvelopeSchema, payload, 'GET /v4/records/{ids}');
    const byId = new Map<string, unknown>();
    for (const record of envelope.result ?? []) {
      const id = (record as { id?: unknown } | null)?.id;
      if (typeof id === 'string') byId.set(id, record);
    }
    return byId;
  }

  /**
   * Enriches in batches; an id missing from its batch is asked alone once more, then reported missing
   * (the caller saves such records unenriched).
   */
  async enrichRecords(
    ids: readonly string[],
    batchSize: number,
    concurrency = 1,
    onBatch: () => void = () => undefined,
  ): Promise<{ found: Map<string, unknown>; missing: string[] }> {
    const found = new Map<string, unknown>();
    const missing: string[] = [];
    const batches: string[][] = [];
    for (let start = 0; start < ids.length; start += batchSize) batches.push(ids.slice(start, start + batchSize));
    const enrichBatch = async (batch: string[]) => {
      const result = await this.getRecordsByIds(batch);
      onBatch();
      for (const id of batch) {
        const record = result.get(id);
        if (record !== undefined) {
          found.set(id, record);
          continue;
        }
        const alone = await this.getRecordsByIds([id]).catch((error: unknown) => {
          if (error instanceof AccelaApiError && error.kind === 'not_found') return new Map<string, unknown>();
          throw error;
        });
        const retried = alone.get(id);
        if (retried === undefined) missing.push(id);
        else found.set(id, retried);
      }
    };
    // A few batches in flight hide the API's latency; the shared limiter still paces every call.
    let next = 0;
    const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), batches.length) }, async () => {
      while (next < batches.length) await enrichBatch(batches[next++]!);
    });
    await Promise.all(lanes);
    return { found, missing };
  }

  /** Per-record child list (`addresses`, `owners`, `parcels`): one record's related objects, validated. */
  async getRecordChildren<K extends keyof typeof CHILD_SCHEMAS>(recordId: string, child: K): Promise<Array<z.infer<(typeof CHILD_SCHEMAS)[K]>>> {
    const payload = await this.getJson(`/v4/records/${encodeURIComponent(recordId)}/${child}`, 'other');
    const schema = childListEnvelopeSchema(CHILD_SCHEMAS[child]) as z.ZodType<{ result?: Array<z.infer<(typeof CHILD_SCHEMAS)[K]>> }>;
    return parseEnvelope(schema, payload, `GET /v4/records/{id}/${child}`).result ?? [];
  }

  /** Obtains a token and makes one small records call: proves the credentials end to end. */
  async testConnection(module: string): Promise<{ recordsSeen: number }> {
    await this.tokens.forceRenew();
    const today = new Date().toISOString().slice(0, 10);
    const page = await this.listRecords({ module, dateField: 'opened', from: '1900-01-01', to: today, offset: 0, limit: 1 });
    return { recordsSeen: page.records.length };
  }

  private async getJson(pathAndQuery: string, kind: RequestKind): Promise<unknown> {
    const url = new URL(pathAndQuery, this.options.apiUrl);
    let refreshed = false;
    let throttled = 0;
    for (;;) {
      const token = await this.tokens.accessToken();
      await this.options.limiter.beforeRequest(kind);
      let response: Response;
      try {
        response = await this.http.send(url, {
          method: 'GET',
          headers: {
            authorization: token,
            'x-accela-appid': this.options.credentials.appId,
            accept: 'application/json',
          },
        });
        this.options.limiter.observe(response.headers);
      } finally {
        this.options.limiter.afterRequest();
      }
      if (response.status === 429) {
        await response.body?.cancel();
        const waitMs = this.options.limiter.onThrottled(response.headers);
        if (throttled >= this.options.maxRateLimitRetries) {
          throw new AccelaApiError('rate_limited', 429, 'rate_limited', `rate limited ${throttled + 1} times in a row`, { retryAfterMs: waitMs });
        }
        throttled += 1;
        await this.options.limiter.wait(waitMs);
        continue;
      }
      const payload = await this.http.readJson(response);
      if (response.ok) return payload;
      const error = toApiError(response, payload);
      if (response.status === 401 && !refreshed && REFRESHABLE_AUTH_CODES.has(error.code)) {
        refreshed = true;
        await this.tokens.forceRenew();
        continue;
      }
      throw error;
    }
  }
}

function toApiError(response: Response, payload: unknown): AccelaApiError {
  const envelope = v4ErrorSchema.safeParse(payload);
  const code = envelope.success ? envelope.data.code : (response.headers.get('x-accela-resp-code') ?? `http_${response.status}`);
  const message = envelope.success
    ? (envelope.data.message ?? code)
    : (response.headers.get('x-accela-resp-message') ?? `Accela answered HTTP ${response.status}`);
  return new AccelaApiError(errorKindForStatus(response.status), response.status, code, message, {
    more: envelope.success ? envelope.data.more : undefined,
    traceId: envelope.success ? envelope.data.traceId : (response.headers.get('x-accela-traceid') ?? undefined),
  });
}

function parseEnvelope<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error } }, payload: unknown, what: string): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new AccelaApiError('invalid_response', 200, 'invalid_envelope', `${what}: ${parsed.error.message}`);
  return parsed.data;
}
