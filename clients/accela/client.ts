import pLimit from 'p-limit';
import { type ApiRequest, JsonApiClient } from '../http/json-api-client';
import { type SharedLimit, withSharedLimit } from '../http/rate-limit-policy';
import { AccelaApiError, REFRESHABLE_AUTH_CODES } from './errors';
import { accelaAnswers } from './http';
import type { AdaptiveRateLimiter, RequestKind } from './rate-limiter';
import { listEnvelopeSchema } from './schemas';
import { type AccelaCredentials, AccelaTokenManager, type TokenCache } from './tokens';

export interface AccelaClientOptions {
  apiUrl: string;
  authUrl: string;
  credentials: AccelaCredentials;
  timeoutMs: number;
  limiter: AdaptiveRateLimiter;
  /** The agency's limit shared by every worker process (none for a one-off connection test). */
  sharedLimit?: SharedLimit;
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

/**
 * Accela Civic Platform V4 records API: password-grant tokens (raw token in `Authorization`, plus
 * `x-accela-appid`), adaptive pacing, 429 retries and typed errors from the v4 envelope.
 */
export class AccelaClient {
  private readonly http: JsonApiClient;
  private readonly tokens: AccelaTokenManager;

  constructor(private readonly options: AccelaClientOptions) {
    this.http = new JsonApiClient(accelaAnswers, { timeoutMs: options.timeoutMs, maxRateLimitRetries: options.maxRateLimitRetries });
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
    const envelope = await this.getList(`/v4/records?${params.toString()}`, 'page', 'GET /v4/records');
    const records = envelope.result ?? [];
    // Without `page`, a short page is the last one.
    const hasMore = envelope.page?.hasmore ?? records.length >= query.limit;
    return { records, hasMore };
  }

  /** `GET /v4/records/{id1,id2,…}?expand=…`: results come back in any order, so they are keyed by id. */
  async getRecordsByIds(ids: readonly string[], expand: readonly string[] = ENRICH_EXPANSIONS): Promise<Map<string, unknown>> {
    if (ids.length === 0) return new Map();
    const path = `/v4/records/${ids.map(encodeURIComponent).join(',')}?expand=${expand.join(',')}`;
    const envelope = await this.getList(path, 'enrich', 'GET /v4/records/{ids}');
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
    // A few batches in flight hide the API's latency; the shared limiter still paces every call. After a
    // failure no further batch starts: the activity fails and its retry starts over.
    const limit = pLimit(Math.max(1, concurrency));
    await Promise.all(batches.map((batch) => limit(() => enrichBatch(batch)))).catch((error: unknown) => {
      limit.clearQueue();
      throw error;
    });
    return { found, missing };
  }

  /** Obtains a token and makes one small records call: proves the credentials end to end. */
  async testConnection(module: string): Promise<{ recordsSeen: number }> {
    await this.tokens.forceRenew();
    const today = new Date().toISOString().slice(0, 10);
    const page = await this.listRecords({ module, dateField: 'opened', from: '1900-01-01', to: today, offset: 0, limit: 1 });
    return { recordsSeen: page.records.length };
  }

  /** A list envelope; a 401 for an expired or revoked token renews it once and asks again. */
  private async getList(pathAndQuery: string, kind: RequestKind, name: string) {
    const request: ApiRequest = {
      method: 'GET',
      url: new URL(pathAndQuery, this.options.apiUrl),
      name,
      headers: async () => ({
        authorization: await this.tokens.accessToken(),
        'x-accela-appid': this.options.credentials.appId,
        accept: 'application/json',
      }),
    };
    const local = this.options.limiter.policyFor(kind);
    const pacing = this.options.sharedLimit ? withSharedLimit(local, this.options.sharedLimit) : local;
    try {
      return await this.http.requestJson(request, pacing, listEnvelopeSchema);
    } catch (error) {
      if (!(error instanceof AccelaApiError && error.httpStatus === 401 && REFRESHABLE_AUTH_CODES.has(error.code))) throw error;
      await this.tokens.forceRenew();
      return this.http.requestJson(request, pacing, listEnvelopeSchema);
    }
  }
}
