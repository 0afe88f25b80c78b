import type { CepikErrorKind } from './errors';

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

export const NON_RETRYABLE_CEPIK_FAILURES = [CEPIK_FAILURE_TYPES['bad-request'], CEPIK_FAILURE_TYPES['unexpected-response']];
