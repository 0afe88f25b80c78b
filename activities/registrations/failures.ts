import { ApplicationFailure } from '@temporalio/activity';
import { CepikError } from '../../clients/cepik/errors';

const FAILURE_TYPES = {
  'rate-limited': 'CepikRateLimited',
  'limit-reached': 'CepikLimitReached',
  overloaded: 'CepikOverloaded',
  'not-found': 'CepikSpuriousNotFound',
  truncated: 'CepikTruncatedBody',
  timeout: 'CepikTimeout',
  network: 'CepikNetworkError',
  'bad-request': 'CepikBadRequest',
  'unexpected-response': 'CepikUnexpectedResponse',
} as const;

/** Non-retryable failure types, listed explicitly in the workflow's retry policy as well. */
export const NON_RETRYABLE_CEPIK_FAILURES = [FAILURE_TYPES['bad-request'], FAILURE_TYPES['unexpected-response']];

/**
 * A client error as a typed Temporal failure: waits the API names become `nextRetryDelay`, other
 * retryable kinds follow the retry policy's backoff, bad parameters stop at once.
 */
export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof CepikError)) return error;
  return ApplicationFailure.create({
    type: FAILURE_TYPES[error.kind],
    message: error.message,
    nonRetryable: !error.retryable,
    nextRetryDelay: error.details.waitSeconds !== undefined ? `${error.details.waitSeconds} seconds` : undefined,
    details: [{ kind: error.kind, status: error.details.status ?? null }],
  });
}
