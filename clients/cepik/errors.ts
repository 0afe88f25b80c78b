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

const SECONDS_PER_UNIT: Array<[RegExp, number]> = [
  [/^(ms|mili)/i, 0.001],
  [/^(min)/i, 60],
  [/^(h|godz)/i, 3600],
];

/**
 * The wait a CEPiK error body names, in seconds: "zaczekaj 60s" (wait 60 s), "zaczekaj 90 sekund",
 * "zaczekaj 2 min", "zaczekaj 1 godzinę", "zaczekaj 500ms", "zaczekaj 1,5 s"; a bare number is
 * seconds. Works on the raw body, so a JSON-escaped "minut\u0119" still reads as minutes.
 */
export function waitNamedInBody(text: string): number | undefined {
  const match = /zaczekaj\s*(\d+(?:[.,]\d+)?)\s*(ms|mili\w*|sek\w*|s|min\w*|godz\w*|h)?(?![a-z])/i.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]!.replace(',', '.'));
  const perUnit = SECONDS_PER_UNIT.find(([unit]) => unit.test(match[2] ?? ''))?.[1] ?? 1;
  return amount * perUnit;
}

/** The wait an error body names, else a Retry-After header in seconds. */
export function namedWaitSeconds(text: string, retryAfter: string | undefined): number | undefined {
  const inBody = waitNamedInBody(text);
  if (inBody !== undefined) return inBody;
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
    // The wait the answer names wins over the per-code default.
    const waitSeconds = namedWaitSeconds(text, waits.retryAfter) ?? waits.limitReachedWaitSeconds;
    return new CepikError('limit-reached', `CEPiK API limit reached: ${reason}`, { ...details, waitSeconds });
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
