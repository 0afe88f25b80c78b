/**
 * What went wrong with one CEPiK request, and how to go on:
 * - `rate-limited` (HTTP 429) and `limit-reached` (API-ERR-100011): wait `waitSeconds`, then retry;
 * - `overloaded` (API-ERR-100005, 5xx), `not-found` (spurious 404s), `truncated` (cut-off body),
 *   `timeout`, `network`: retry with backoff;
 * - `bad-request` (invalid parameters) and `unexpected-response`: do not retry.
 */
export type CepikErrorKind =
  | 'rate-limited'
  | 'limit-reached'
  | 'overloaded'
  | 'not-found'
  | 'truncated'
  | 'timeout'
  | 'network'
  | 'bad-request'
  | 'unexpected-response';

/** Temporal failure type per client error kind; pure, so workflows can list the non-retryable ones. */
export const CEPIK_FAILURE_TYPES: Record<CepikErrorKind, string> = {
  'rate-limited': 'CepikRateLimited',
  'limit-reached': 'CepikLimitReached',
  overloaded: 'CepikOverloaded',
  'not-found': 'CepikSpuriousNotFound',
  truncated: 'CepikTruncatedBody',
  timeout: 'CepikTimeout',
  network: 'CepikNetworkError',
  'bad-request': 'CepikBadRequest',
  'unexpected-response': 'CepikUnexpectedResponse',
};

const NON_RETRYABLE_KINDS: readonly CepikErrorKind[] = ['bad-request', 'unexpected-response'];

export const isRetryableCepikKind = (kind: CepikErrorKind) => !NON_RETRYABLE_KINDS.includes(kind);

export const NON_RETRYABLE_CEPIK_FAILURES = NON_RETRYABLE_KINDS.map((kind) => CEPIK_FAILURE_TYPES[kind]);
