import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { JsonApiClient } from '../http/json-api-client';
import { type RateLimitPolicy, type SharedLimit, withSharedLimit } from '../http/rate-limit-policy';
import { RateLimitWaitTooLong } from '../../platform/shared-rate-limits';
import { HighLevelDailyLimitError, highLevelAnswers } from './errors';
import { readRateLimitHeaders, type RateLimitHeaders } from './rate-limit-headers';
import type { RateLimiter } from './rate-limiter';
import {
  type CreateContactBody,
  contactResponseSchema,
  duplicateSearchResponseSchema,
  type HighLevelContact,
  tagsResponseSchema,
  type UpdateContactBody,
  updateContactResponseSchema,
} from './schemas';

/** The only API version Prospector speaks (every v2 contacts operation requires it). */
export const HIGHLEVEL_API_VERSION = '2021-07-28';

export interface HighLevelClientOptions {
  baseUrl: string;
  token: string;
  limiter: RateLimiter;
  /**
   * The location's limits shared by every worker process: the burst window, and the daily cap (a booking
   * the cap would delay is refused as `HighLevelDailyLimitError`). None: this process's limiter alone.
   */
  shared?: { window: SharedLimit; daily: SharedLimit };
  maxRateLimitRetries: number;
  requestTimeoutMs: number;
}

/** The contacts part of the HighLevel (LeadConnector) API v2 that the lead sync uses. */
export class HighLevelClient {
  /** Requests sent by this client, 429s included (for benchmarks and run statistics). */
  requestCount = 0;
  lastRateLimit: RateLimitHeaders | null = null;
  private readonly http: JsonApiClient;
  private readonly pacing: RateLimitPolicy;

  constructor(private readonly options: HighLevelClientOptions) {
    this.http = new JsonApiClient(highLevelAnswers, { timeoutMs: options.requestTimeoutMs, maxRateLimitRetries: options.maxRateLimitRetries });
    const local = this.pacingBy(options.limiter);
    this.pacing = options.shared ? dailyCapRefusals(withSharedLimit(local, options.shared.window, options.shared.daily)) : local;
  }

  /** The contact HighLevel would treat as the same person (email first, then phone), or null. */
  async findDuplicate(query: { locationId: string; email?: string | null; phone?: string | null }): Promise<HighLevelContact | null> {
    const params = new URLSearchParams({ locationId: query.locationId });
    if (query.email) params.set('email', query.email);
    if (query.phone) params.set('number', query.phone);
    const body = await this.call('GET', `/contacts/search/duplicate?${params}`, undefined, duplicateSearchResponseSchema);
    return body.contact ?? null;
  }

  async createContact(contact: CreateContactBody): Promise<HighLevelContact> {
    return (await this.call('POST', '/contacts/', contact, contactResponseSchema)).contact;
  }

  /** PUT writes only the given fields; `locationId` is not part of the update DTO and must not be sent. */
  async updateContact(contactId: string, fields: UpdateContactBody): Promise<HighLevelContact> {
    return (await this.call('PUT', `/contacts/${encodeURIComponent(contactId)}`, fields, updateContactResponseSchema)).contact;
  }

  /** Additive: tags the contact already has are kept (HighLevel stores them lower case). */
  async addTags(contactId: string, tags: string[]): Promise<string[]> {
    return (await this.call('POST', `/contacts/${encodeURIComponent(contactId)}/tags`, { tags }, tagsResponseSchema)).tags;
  }

  private call<S extends z.ZodType>(method: string, path: string, body: unknown, schema: S): Promise<z.output<S>> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Version: HIGHLEVEL_API_VERSION,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const request = {
      method,
      url: new URL(path, this.options.baseUrl),
      name: `${method} ${path.split('?')[0]}`,
      headers: () => headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    return this.http.requestJson(request, this.pacing, schema);
  }

  /**
   * The location's shared budget as the HTTP core uses it: never send into a spent daily budget; after
   * a 429 wait what HighLevel asks (Retry-After, holding every request of the location as long), else
   * until its window allows the next call (RateLimiter.waitAfterRateLimit).
   */
  private pacingBy(limiter: RateLimiter): RateLimitPolicy {
    return {
      acquire: async () => {
        if (limiter.isDailyBudgetSpent()) throw new HighLevelDailyLimitError('HighLevel daily request limit reached for this location');
        const answered = await limiter.acquire();
        this.requestCount += 1;
        return (answerHeaders) => {
          answered();
          if (answerHeaders === null) return;
          this.lastRateLimit = readRateLimitHeaders(answerHeaders);
          limiter.observe(this.lastRateLimit);
        };
      },
      retryDelayMs: (headers, attempt) => {
        const rateLimit = readRateLimitHeaders(headers);
        if (rateLimit.retryAfterMs === null) return limiter.waitAfterRateLimit(rateLimit, attempt);
        limiter.pause(rateLimit.retryAfterMs);
        return rateLimit.retryAfterMs;
      },
      wait: (ms) => sleep(ms),
    };
  }
}

/** A booking the shared daily cap refused is the same outcome as a spent daily budget in the headers. */
function dailyCapRefusals(policy: RateLimitPolicy): RateLimitPolicy {
  return {
    ...policy,
    acquire: () =>
      policy.acquire().catch((error: unknown) => {
        if (error instanceof RateLimitWaitTooLong) throw new HighLevelDailyLimitError(`HighLevel daily request limit reached for this location (${error.message})`);
        throw error;
      }),
  };
}
