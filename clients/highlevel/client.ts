import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import {
  errorForResponse,
  HighLevelDailyLimitError,
  HighLevelRateLimitError,
  HighLevelResponseShapeError,
  HighLevelUnavailableError,
} from './errors';
import { readRateLimitHeaders, type RateLimitHeaders } from './rate-limit-headers';
import type { RateLimiter } from './rate-limiter';
import {
  type CreateContactBody,
  contactResponseSchema,
  duplicateSearchResponseSchema,
  errorBodySchema,
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
  maxRateLimitRetries: number;
  requestTimeoutMs: number;
}

/** The contacts part of the HighLevel (LeadConnector) API v2 that the lead sync uses. */
export class HighLevelClient {
  /** Requests sent by this client, 429s included (for benchmarks and run statistics). */
  requestCount = 0;
  lastRateLimit: RateLimitHeaders | null = null;

  constructor(private readonly options: HighLevelClientOptions) {}

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

  async getContact(contactId: string): Promise<HighLevelContact> {
    return (await this.call('GET', `/contacts/${encodeURIComponent(contactId)}`, undefined, contactResponseSchema)).contact;
  }

  /** Additive: tags the contact already has are kept (HighLevel stores them lower case). */
  async addTags(contactId: string, tags: string[]): Promise<string[]> {
    return (await this.call('POST', `/contacts/${encodeURIComponent(contactId)}/tags`, { tags }, tagsResponseSchema)).tags;
  }

  private async call<T extends z.ZodType>(method: string, path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const { limiter, maxRateLimitRetries } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      if (limiter.isDailyBudgetSpent()) {
        throw new HighLevelDailyLimitError('HighLevel daily request limit reached for this location');
      }
      const answered = await limiter.acquire();
      const response = await this.send(method, path, body).finally(answered);
      const rateLimit = readRateLimitHeaders(response.headers);
      this.lastRateLimit = rateLimit;
      limiter.observe(rateLimit);
      const text = await response.text();
      if (response.status === 429) {
        const waitMs = rateLimit.retryAfterMs ?? rateLimit.intervalMs ?? 1000 * 2 ** attempt;
        limiter.pause(waitMs);
        if (attempt >= maxRateLimitRetries) {
          throw new HighLevelRateLimitError(`HighLevel answered 429 ${attempt + 1} times for ${method} ${path.split('?')[0]}`, waitMs);
        }
        await sleep(waitMs);
        continue;
      }
      const json = parseJson(text);
      if (!response.ok) throw errorForResponse(response.status, errorBodySchema.safeParse(json).data ?? null, text);
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new HighLevelResponseShapeError(
          response.status,
          `unexpected HighLevel response to ${method} ${path.split('?')[0]}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          text,
        );
      }
      return parsed.data;
    }
  }

  private async send(method: string, path: string, body: unknown): Promise<Response> {
    this.requestCount += 1;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Version: HIGHLEVEL_API_VERSION,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await fetch(new URL(path, this.options.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new HighLevelUnavailableError(0, `HighLevel did not answer ${method} ${path.split('?')[0]}: ${reason}`);
    }
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
