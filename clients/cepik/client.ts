import { Agent, errors as undiciErrors, request } from 'undici';
import { recordRateLimitWait, sourceRequestsTotal, sourceThrottledTotal } from '../../platform/metrics';
import { CepikError, classifyErrorResponse } from './errors';
import { parseVehiclePage, type VehiclePage } from './page';
import { firstPageUrl, onBaseUrl, type VehicleQuery } from './query';
import { parseErrorBody } from './schemas';
import type { RateLimitGate } from '../../platform/shared-rate-limits';

export interface CepikClientOptions {
  baseUrl: string;
  pageSize: number;
  timeoutMs: number;
  requestsPerSecond: number;
  rateLimitedWaitSeconds: number;
  limitReachedWaitSeconds: number;
  exhaustedPauseMs: number;
  /** Where requests are booked: `SharedRateLimits` in the workers, so every process together keeps the rate. */
  gate: RateLimitGate;
  /** The real server offers a weak DH group that current OpenSSL refuses ("dh key too small"). */
  tls?: { ciphers?: string; minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' };
}

export interface FetchedPage extends VehiclePage {
  url: string;
  rateLimitRemaining: number | undefined;
}

/** The key of CEPiK's limit: it counts calls per client IP, so every worker behind one address shares it. */
export function cepikHostLimitKey(baseUrl: string): string {
  return `cepik:host:${new URL(baseUrl).host}`;
}

/** `GET /pojazdy` page by page, paced per host, every answer validated; failures are typed `CepikError`s. */
export class CepikClient {
  private readonly agent: Agent;
  private readonly limitKey: string;

  constructor(private readonly options: CepikClientOptions) {
    this.agent = new Agent({
      connect: { timeout: options.timeoutMs, ...options.tls },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 4,
    });
    this.limitKey = cepikHostLimitKey(options.baseUrl);
  }

  firstPageUrl(query: VehicleQuery): string {
    return firstPageUrl(this.options.baseUrl, query, this.options.pageSize);
  }

  /** `onWait` is called while a long rate-limit wait lasts (the pull activity heartbeats). */
  async fetchPage(url: string, onWait?: () => void): Promise<FetchedPage> {
    const queued = performance.now();
    await this.options.gate.acquire(this.limitKey, { perSecond: this.options.requestsPerSecond, burst: 1 }, { onWait });
    recordRateLimitWait('cepik', (performance.now() - queued) / 1000);
    const { status, text, headers } = await this.get(url);
    sourceRequestsTotal.inc({ source: 'cepik', status: String(status) });
    if (status === 429) sourceThrottledTotal.inc({ source: 'cepik' });
    const remainingHeader = headers['x-rate-limit-remaining'];
    const rateLimitRemaining = typeof remainingHeader === 'string' && /^-?\d+$/.test(remainingHeader) ? Number(remainingHeader) : undefined;
    if (rateLimitRemaining !== undefined && rateLimitRemaining <= 0) await this.options.gate.pause(this.limitKey, this.options.exhaustedPauseMs);

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (status !== 200) throw this.classify(status, text, undefined, headers);
      throw new CepikError('truncated', `CEPiK body is not complete JSON (${text.length} bytes)`, { status, url });
    }
    const apiError = parseErrorBody(body);
    if (status !== 200 || apiError) throw this.classify(status, text, apiError, headers);

    const parsed = parseVehiclePage(body);
    if (!parsed.ok) throw new CepikError('unexpected-response', parsed.reason, { status, url });
    const nextUrl = parsed.page.nextUrl ? onBaseUrl(parsed.page.nextUrl, this.options.baseUrl) : undefined;
    if (nextUrl === url) throw new CepikError('unexpected-response', `links.next points back to the same page: ${url}`, { url });
    return { ...parsed.page, nextUrl, url, rateLimitRemaining };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private classify(status: number, text: string, apiError: ReturnType<typeof parseErrorBody>, headers: Record<string, unknown>) {
    const retryAfter = headers['retry-after'];
    return classifyErrorResponse(status, text, apiError, {
      retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      rateLimitedWaitSeconds: this.options.rateLimitedWaitSeconds,
      limitReachedWaitSeconds: this.options.limitReachedWaitSeconds,
    });
  }

  private async get(url: string): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return { status: response.statusCode, text: await response.body.text(), headers: response.headers };
    } catch (error) {
      throw translateTransportError(error, url, this.options.timeoutMs);
    }
  }
}

function translateTransportError(error: unknown, url: string, timeoutMs: number): CepikError {
  const timedOut =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  if (timedOut) return new CepikError('timeout', `CEPiK did not answer within ${timeoutMs} ms`, { url });
  // A body cut off mid-transfer (premature close, length mismatch) is the same condition as truncated JSON.
  if (error instanceof undiciErrors.ResponseContentLengthMismatchError || (error instanceof Error && /other side closed|terminated/i.test(error.message))) {
    return new CepikError('truncated', `CEPiK closed the connection mid-body: ${error.message}`, { url });
  }
  const message = error instanceof Error ? `${error.message}${(error as { code?: string }).code ? ` (${(error as { code?: string }).code})` : ''}` : String(error);
  return new CepikError('network', `CEPiK request failed: ${message}`, { url });
}

export function clientOptionsFromSettings(gate: RateLimitGate, settings: {
  CEPIK_BASE_URL: string;
  CEPIK_PAGE_SIZE: number;
  CEPIK_REQUEST_TIMEOUT_MS: number;
  CEPIK_RATE_LIMIT_PER_SECOND: number;
  CEPIK_RATE_LIMITED_WAIT_SECONDS: number;
  CEPIK_LIMIT_REACHED_WAIT_SECONDS: number;
  CEPIK_EXHAUSTED_PAUSE_MS: number;
  CEPIK_TLS_CIPHERS?: string;
  CEPIK_TLS_MIN_VERSION?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}): CepikClientOptions {
  return {
    baseUrl: settings.CEPIK_BASE_URL,
    pageSize: settings.CEPIK_PAGE_SIZE,
    timeoutMs: settings.CEPIK_REQUEST_TIMEOUT_MS,
    requestsPerSecond: settings.CEPIK_RATE_LIMIT_PER_SECOND,
    rateLimitedWaitSeconds: settings.CEPIK_RATE_LIMITED_WAIT_SECONDS,
    limitReachedWaitSeconds: settings.CEPIK_LIMIT_REACHED_WAIT_SECONDS,
    exhaustedPauseMs: settings.CEPIK_EXHAUSTED_PAUSE_MS,
    gate,
    tls: {
      ...(settings.CEPIK_TLS_CIPHERS ? { ciphers: settings.CEPIK_TLS_CIPHERS } : {}),
      ...(settings.CEPIK_TLS_MIN_VERSION ? { minVersion: settings.CEPIK_TLS_MIN_VERSION } : {}),
    },
  };
}
