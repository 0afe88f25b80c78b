import { ApplicationFailure } from '@temporalio/activity';
import { CepikError } from '../../clients/cepik/errors';
import { CEPIK_FAILURE_TYPES } from '../../clients/cepik/failure-types';

/**
 * A client error as a typed Temporal failure: waits the API names become `nextRetryDelay`, other
 * retryable kinds follow the retry policy's backoff, bad parameters stop at once.
 */
export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof CepikError)) return error;
  return ApplicationFailure.create({
    type: CEPIK_FAILURE_TYPES[error.kind],
    message: error.message,
    nonRetryable: !error.retryable,
    nextRetryDelay: error.details.waitSeconds !== undefined ? `${error.details.waitSeconds} seconds` : undefined,
    details: [{ kind: error.kind, status: error.details.status ?? null }],
  });
}
