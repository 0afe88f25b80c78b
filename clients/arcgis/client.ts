import type { z } from 'zod';
import { JsonApiClient, type JsonApiSource } from '../http/json-api-client';
import { pacedPolicyFor } from '../http/paced-policy';
import type { RateLimitPolicy } from '../http/rate-limit-policy';
import type { RateLimitGate } from '../../platform/shared-rate-limits';
import { ArcGisError, arcGisErrorFor } from './errors';
import { type ArcGisLayer, countSchema, errorBodySchema, type FeaturePage, featurePageSchema, idsSchema, layerSchema } from './schemas';

export interface ArcGisLayerSource {
  /** `https://…/FeatureServer/0` (or `/MapServer/<n>`). */
  layerUrl: string;
  /** Sent as `token` for secured services. */
  token?: string | null;
}

export interface ArcGisClientOptions {
  timeoutMs: number;
  maxRateLimitRetries: number;
  requestsPerSecond: number;
  backoffMs: number;
}

export interface FeatureQuery {
  where: string;
  outFields: string;
  orderByFields?: string;
  resultOffset?: number;
  resultRecordCount?: number;
  objectIds?: readonly number[];
}

const arcGisAnswers: JsonApiSource = {
  name: 'arcgis',
  /** An `error` body is the failure whatever the HTTP status (usually 200). */
  parseBody: (answer) => {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      if (answer.status >= 500) throw arcGisErrorFor(answer.status, `HTTP ${answer.status}: ${answer.text.slice(0, 120)}`);
      throw new ArcGisError('invalid_response', answer.status, `ArcGIS answer ${answer.status} is not JSON: ${answer.text.slice(0, 120)}`);
    }
    const error = errorBodySchema.safeParse(body);
    if (error.success) throw arcGisErrorFor(error.data.error.code, error.data.error.message ?? 'error', error.data.error.details ?? []);
    return body;
  },
  errorFor: (answer) => arcGisErrorFor(answer.status, `HTTP ${answer.status}`),
  invalidShape: (answer, request, problem) => new ArcGisError('invalid_response', answer.status, `${request.name}: neither features nor error (${problem.message})`),
  noAnswer: (request, { cause, timedOutAfterMs }) =>
    timedOutAfterMs !== null
      ? new ArcGisError('timeout', null, `${request.name} timed out after ${timedOutAfterMs} ms`)
      : new ArcGisError('network', null, `${request.name} failed: ${cause.message}`),
  rateLimited: (request, attempts) => new ArcGisError('rate_limited', 429, `${request.name}: rate limited ${attempts} times in a row`),
};

/** Reads one ArcGIS layer: metadata, counts, ids and feature pages; queries are POSTed (no URL length limit). */
export class ArcGisClient {
  private readonly http: JsonApiClient;
  private readonly limiter: RateLimitPolicy;
  private readonly layerUrl: URL;

  /** Requests are paced per host on `gate`: the workers pass the limits shared through PostgreSQL (default: this process's). */
  constructor(private readonly source: ArcGisLayerSource, options: ArcGisClientOptions, gate?: RateLimitGate) {
    this.layerUrl = new URL(source.layerUrl.replace(/\/+$/, ''));
    if (!/\/(FeatureServer|MapServer)\/\d+$/i.test(this.layerUrl.pathname)) {
      throw new ArcGisError('bad_query', null, `${source.layerUrl} is not a layer URL (…/FeatureServer/<n> or …/MapServer/<n>)`);
    }
    this.http = new JsonApiClient(arcGisAnswers, { timeoutMs: options.timeoutMs, maxRateLimitRetries: options.maxRateLimitRetries });
    this.limiter = pacedPolicyFor('arcgis', this.layerUrl.origin, options.requestsPerSecond, options.backoffMs, gate);
  }

  /** `<layer>?f=json`. */
  async layer(): Promise<ArcGisLayer> {
    const url = new URL(this.layerUrl);
    url.search = this.form({}).toString();
    return this.http.requestJson({ method: 'GET', url, name: 'GET <layer>?f=json', headers: () => ({ accept: 'application/json' }) }, this.limiter, layerSchema);
  }

  async count(where: string): Promise<number> {
    return (await this.query({ where, returnCountOnly: 'true' }, 'query returnCountOnly', countSchema)).count;
  }

  /** Every object id matching `where` (no paging limit applies to ids), ascending. */
  async objectIds(where: string): Promise<number[]> {
    const { objectIds } = await this.query({ where, returnIdsOnly: 'true' }, 'query returnIdsOnly', idsSchema);
    return [...(objectIds ?? [])].sort((a, b) => a - b);
  }

  /** One page of features; with paging, more remain while `exceededTransferLimit` is true. */
  async features(query: FeatureQuery): Promise<FeaturePage> {
    const params: Record<string, string> = { where: query.where, outFields: query.outFields, returnGeometry: 'false' };
    if (query.orderByFields) params.orderByFields = query.orderByFields;
    if (query.resultOffset !== undefined) params.resultOffset = String(query.resultOffset);
    if (query.resultRecordCount !== undefined) params.resultRecordCount = String(query.resultRecordCount);
    if (query.objectIds) params.objectIds = query.objectIds.join(',');
    return this.query(params, 'query', featurePageSchema);
  }

  private form(params: Record<string, string>): URLSearchParams {
    const form = new URLSearchParams({ ...params, f: 'json' });
    if (this.source.token) form.set('token', this.source.token);
    return form;
  }

  private async query<S extends z.ZodType>(params: Record<string, string>, name: string, schema: S): Promise<z.output<S>> {
    const url = new URL(`${this.layerUrl.pathname}/query`, this.layerUrl);
    const body = this.form(params).toString();
    return this.http.requestJson(
      { method: 'POST', url, name: `POST <layer>/${name}`, body, headers: () => ({ accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }) },
      this.limiter,
      schema,
    );
  }
}

/** A standardized-SQL date literal for `where`: `DATE 'yyyy-MM-dd'`. */
export const sqlDate = (day: string): string => `DATE '${day}'`;
