import type { z } from 'zod';
import { JsonApiClient, type JsonApiSource } from '../http/json-api-client';
import { pacedPolicyFor } from '../http/paced-policy';
import type { RateLimitPolicy } from '../http/rate-limit-policy';
import type { RateLimitGate } from '../../platform/shared-rate-limits';
import { SocrataError, socrataErrorFor } from './errors';
import { rowsSchema, type SocrataRow, type SocrataView, viewSchema } from './schemas';

export interface SocrataDataset {
  /** `https://data.cityofchicago.org` (a bare domain gets https), or a simulator's base URL. */
  baseUrl: string;
  /** The 4x4 id, e.g. `ydr8-5enu`. */
  datasetId: string;
  /** Sent as `X-App-Token`: without one, requests share the per-IP pool and are throttled first. */
  appToken?: string | null;
}

export interface SocrataClientOptions {
  timeoutMs: number;
  maxRateLimitRetries: number;
  requestsPerSecond: number;
  backoffMs: number;
}

/** One SoQL query; paging is `$limit`/`$offset` under an `$order` that ends with `:id` (the only stable order). */
export interface SoqlQuery {
  select?: string;
  where?: string;
  order: string;
  limit: number;
  offset: number;
}

const DATASET_ID = /^[a-z0-9]{4}-[a-z0-9]{4}$/;

const socrataAnswers: JsonApiSource = {
  name: 'socrata',
  parseBody: (answer) => {
    if (answer.text.trim() === '') return null;
    try {
      return JSON.parse(answer.text);
    } catch {
      throw new SocrataError(answer.status >= 500 ? 'server' : 'invalid_response', answer.status, 'invalid_json', `Socrata answer ${answer.status} is not JSON: ${answer.text.slice(0, 120)}`);
    }
  },
  errorFor: (answer, body) => socrataErrorFor(answer.status, body),
  // fetch counts 202 "request processing, try again" as a success; its body is no result.
  invalidShape: (answer, request, problem) =>
    answer.status === 202 ? socrataErrorFor(202, null) : new SocrataError('invalid_response', answer.status, 'invalid_shape', `${request.name}: ${problem.message}`),
  noAnswer: (request, { cause, timedOutAfterMs }) =>
    timedOutAfterMs !== null
      ? new SocrataError('timeout', null, 'timeout', `${request.name} timed out after ${timedOutAfterMs} ms`)
      : new SocrataError('network', null, 'network_error', `${request.name} failed: ${cause.message}`),
  rateLimited: (request, attempts) => new SocrataError('throttled', 429, 'throttled', `${request.name}: throttled ${attempts} times in a row`),
};

/** Reads one Socrata dataset: its metadata and SoQL pages; every failure is a typed `SocrataError`. */
export class SocrataClient {
  private readonly http: JsonApiClient;
  private readonly limiter: RateLimitPolicy;
  private readonly base: URL;

  /** Requests are paced per host on `gate`: the workers pass the limits shared through PostgreSQL (default: this process's). */
  constructor(private readonly dataset: SocrataDataset, options: SocrataClientOptions, gate?: RateLimitGate) {
    if (!DATASET_ID.test(dataset.datasetId)) throw new SocrataError('bad_query', null, 'invalid_dataset_id', `"${dataset.datasetId}" is not a Socrata dataset id (xxxx-xxxx)`);
    this.base = new URL(/^https?:\/\//.test(dataset.baseUrl) ? dataset.baseUrl : `https://${dataset.baseUrl}`);
    this.http = new JsonApiClient(socrataAnswers, { timeoutMs: options.timeoutMs, maxRateLimitRetries: options.maxRateLimitRetries });
    this.limiter = pacedPolicyFor('socrata', this.base.origin, options.requestsPerSecond, options.backoffMs, gate);
  }

  /** `GET /api/views/{id}.json`: columns and `rowsUpdatedAt` (the source's own last-modified time). */
  async view(): Promise<SocrataView> {
    return this.get(`/api/views/${this.dataset.datasetId}.json`, new URLSearchParams(), 'GET /api/views/{id}.json', viewSchema);
  }

  /** One page of rows; the page is complete when it is shorter than `$limit`. */
  async rows(query: SoqlQuery): Promise<SocrataRow[]> {
    const params = new URLSearchParams({ $order: query.order, $limit: String(query.limit), $offset: String(query.offset) });
    if (query.select) params.set('$select', query.select);
    if (query.where) params.set('$where', query.where);
    return this.get(`/resource/${this.dataset.datasetId}.json`, params, 'GET /resource/{id}.json', rowsSchema);
  }

  /** How many rows match `where` (sizes a year window before it is pulled). */
  async count(where?: string): Promise<number> {
    const params = new URLSearchParams({ $select: 'count(*) AS n' });
    if (where) params.set('$where', where);
    const [row] = await this.get(`/resource/${this.dataset.datasetId}.json`, params, 'GET /resource/{id}.json count', rowsSchema);
    const count = Number(row?.n);
    if (!Number.isInteger(count)) throw new SocrataError('invalid_response', 200, 'invalid_count', `count(*) answered ${JSON.stringify(row)}`);
    return count;
  }

  private async get<S extends z.ZodType>(path: string, params: URLSearchParams, name: string, schema: S): Promise<z.output<S>> {
    const url = new URL(path, this.base);
    url.search = params.toString();
    const token = this.dataset.appToken;
    return this.http.requestJson({ method: 'GET', url, name, headers: () => ({ accept: 'application/json', ...(token ? { 'X-App-Token': token } : {}) }) }, this.limiter, schema);
  }
}

/** A `$where` literal for a floating timestamp: local wall time, no zone. */
export const floatingTimestamp = (day: string): string => `'${day}T00:00:00'`;

/** Doubles single quotes, for column values put in a `$where`. */
export const soqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
