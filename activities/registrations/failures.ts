import { ApplicationFailure } from '@temporalio/activity';
import { CepikError } from '../../clients/cepik/errors';
import { CEPIK_FAILURE_TYPES } from '../../domain/registrations/cepik-failures';
import type { FailureMapper } from '../../temporal/activity-failures';

/**
 * A CEPiK client error as a typed Temporal failure: waits the API names become `nextRetryDelay`,
 * other retryable kinds follow the retry policy's backoff, bad parameters stop at once.
 */
export const cepikFailureMapper: FailureMapper = (error) => {
  if (!(error instanceof CepikError)) return undefined;
  return ApplicationFailure.create({
    type: CEPIK_FAILURE_TYPES[error.kind],
    message: error.message,
    nonRetryable: !error.retryable,
    nextRetryDelay: error.details.waitSeconds !== undefined ? `${error.details.waitSeconds} seconds` : undefined,
    details: [{ kind: error.kind, status: error.details.status ?? null }],
  });
};
