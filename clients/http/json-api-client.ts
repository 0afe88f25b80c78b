import type { z } from 'zod';
import { recordRateLimitWait, sourceRequestsTotal, sourceThrottledTotal } from '../../platform/metrics';
import type { RateLimitPolicy } from './rate-limit-policy';

export interface ApiRequest {
  method: string;
  url: URL;
  /** Names the call in error messages (e.g. `GET /v4/records/{ids}`). */
  name: string;
  /** Built before every try, so a retry after a long wait carries a fresh token. */
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  body?: string;
}

/** An answer with its body read in full. */
export interface ApiAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
}

export interface NoAnswer {
  cause: Error;
  /** Set when the request's timeout cut it off. */
  timedOutAfterMs: number | null;
  /** The status, when the answer began but its body did not arrive. */
  status: number | null;
}

/** What differs between sources: how a body is read as JSON and what each failure is called. */
export interface JsonApiSource {
  /** The source's name in metrics (`accela`, `highlevel`). */
  name: string;
  /** The body as JSON, by the source's rule for an empty or non-JSON body. */
  parseBody(answer: ApiAnswer): unknown;
  /** The typed error for an answer that is not a success (429s are waited out before). */
  errorFor(answer: ApiAnswer, body: unknown): Error;
  /** The typed error for a success whose body is not the documented shape. */
  invalidShape(answer: ApiAnswer, request: ApiRequest, problem: z.ZodError): Error;
  /** No (complete) answer: a timeout, a refused or broken connection, a body cut off. */
  noAnswer(request: ApiRequest, failure: NoAnswer): Error;
  /** Still 429 after the allowed retries; `waitMs` is what the last answer asked for. */
  rateLimited(request: ApiRequest, attempts: number, waitMs: number): Error;
}

export interface JsonApiClientOptions {
  timeoutMs: number;
  maxRateLimitRetries: number;
}

/**
 * The loop every JSON source shares: rate limiter → send with a timeout → the answer's headers to the
 * limiter → on 429 wait and retry (bounded) → parse and validate → the source's typed error.
 */
export class JsonApiClient {
  constructor(
    private readonly source: JsonApiSource,
    private readonly options: JsonApiClientOptions,
  ) {}

  /** The validated body of a successful answer, or the source's typed error. */
  async requestJson<S extends z.ZodType>(request: ApiRequest, limiter: RateLimitPolicy, schema: S): Promise<z.output<S>> {
    const answer = await this.exchange(request, limiter);
    const body = this.source.parseBody(answer);
    if (!answer.ok) throw this.source.errorFor(answer, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw this.source.invalidShape(answer, request, parsed.error);
    return parsed.data;
  }

  /** The first answer that is not a 429, paced by the limiter. */
  private async exchange(request: ApiRequest, limiter: RateLimitPolicy): Promise<ApiAnswer> {
    for (let attempt = 0; ; attempt += 1) {
      const headers = await request.headers();
      const queued = performance.now();
      const release = await limiter.acquire();
      recordRateLimitWait(this.source.name, (performance.now() - queued) / 1000);
      let response: Response;
      try {
        response = await this.fetch(request, headers);
      } catch (error) {
        release(null);
        sourceRequestsTotal.inc({ source: this.source.name, status: '0' });
        throw error;
      }
      release(response.headers);
      sourceRequestsTotal.inc({ source: this.source.name, status: String(response.status) });
      if (response.status !== 429) return this.read(request, response);
      sourceThrottledTotal.inc({ source: this.source.name });
      await response.body?.cancel();
      const waitMs = limiter.retryDelayMs(response.headers, attempt);
      if (attempt >= this.options.maxRateLimitRetries) throw this.source.rateLimited(request, attempt + 1, waitMs);
      recordRateLimitWait(this.source.name, waitMs / 1000);
      await limiter.wait(waitMs);
    }
  }

  /** One try, outside any limiter (e.g. a token endpoint). */
  async send(request: ApiRequest): Promise<ApiAnswer> {
    return this.read(request, await this.fetch(request, await request.headers()));
  }

  private async fetch(request: ApiRequest, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(request.url, { method: request.method, headers, body: request.body, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw this.source.noAnswer(request, this.noAnswer(error, null));
    }
  }

  private async read(request: ApiRequest, response: Response): Promise<ApiAnswer> {
    try {
      return { status: response.status, ok: response.ok, headers: response.headers, text: await response.text() };
    } catch (error) {
      throw this.source.noAnswer(request, this.noAnswer(error, response.status));
    }
  }

  private noAnswer(error: unknown, status: number | null): NoAnswer {
    const cause = error instanceof Error ? error : new Error(String(error));
    const timedOut = cause.name === 'TimeoutError' || cause.name === 'AbortError';
    return { cause, timedOutAfterMs: timedOut ? this.options.timeoutMs : null, status };
  }
}
