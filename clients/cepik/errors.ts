import { type CepikErrorKind, isRetryableCepikKind } from '../../domain/registrations/cepik-failures';
import type { CepikErrorFields } from './schemas';

export class CepikError extends Error {
  override name = 'CepikError';
  constructor(
    readonly kind: CepikErrorKind,
    message: string,
    readonly details: { status?: number; waitSeconds?: number; apiError?: CepikErrorFields; url?: string } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return isRetryableCepikKind(this.kind);
  }
}

export const LIMIT_REACHED_CODE = 'API-ERR-100011';
export const OVERLOADED_CODE = 'API-ERR-100005';

/** "zaczekaj 60s" (wait 60 s) in a 429 body, or a Retry-After header in seconds. */
export function namedWaitSeconds(text: string, retryAfter: string | undefined): number | undefined {
  const inBody = /zaczekaj\s+(\d+)\s*s/i.exec(text);
  if (inBody) return Number(inBody[1]);
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter.trim());
  return undefined;
}

/** Classifies a non-200 answer (or a 200 carrying an error body). */
export function classifyErrorResponse(
  status: number,
  text: string,
  apiError: CepikErrorFields | undefined,
  waits: { retryAfter?: string; rateLimitedWaitSeconds: number; limitReachedWaitSeconds: number },
): CepikError {
  const code = apiError?.['error-code'];
  const reason = [apiError?.['error-result'], apiError?.['error-reason']].filter(Boolean).join(' ') || text.slice(0, 300);
  const details = { status, apiError };
  if (code === LIMIT_REACHED_CODE) {
    return new CepikError('limit-reached', `CEPiK API limit reached: ${reason}`, { ...details, waitSeconds: waits.limitReachedWaitSeconds });
  }
  if (status === 429) {
    const waitSeconds = namedWaitSeconds(text, waits.retryAfter) ?? waits.rateLimitedWaitSeconds;
    return new CepikError('rate-limited', `CEPiK rate limit (HTTP 429): ${reason}`, { ...details, waitSeconds });
  }
  if (code === OVERLOADED_CODE || status >= 500) return new CepikError('overloaded', `CEPiK overloaded (HTTP ${status}): ${reason}`, details);
  if (status === 404) return new CepikError('not-found', `CEPiK answered 404 (often spurious): ${reason}`, details);
  if (status === 400 || status === 422) return new CepikError('bad-request', `CEPiK rejected the parameters: ${reason}`, details);
  return new CepikError('unexpected-response', `CEPiK answered HTTP ${status}: ${reason}`, details);
}
