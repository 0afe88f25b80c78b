import { ApplicationFailure } from '@temporalio/activity';
import { CepikError } from '../../clients/cepik/errors';
import { CEPIK_FAILURE_TYPES } from '../../domain/registrations/cepik-failures';
import type { FailureMapper } from '../../temporal/activity-failures';

/**
 * A CEPiK client error as a typed Temporal failure: waits the API names become `nextRetryDelay`,
 * other retryable kinds follow the retry policy's backoff, bad parameters stop at once.
 */
export const cepikFailureMapper: FailureMapper = (error) => (error instanceof CepikError ? cepikFailure(error) : undefined);

export function cepikFailure(error: CepikError): ApplicationFailure {
  return ApplicationFailure.create({
    type: CEPIK_FAILURE_TYPES[error.kind],
    message: error.message,
    nonRetryable: !error.retryable,
    // In milliseconds: a named wait may be under a second ("zaczekaj 500ms").
    nextRetryDelay: error.details.waitSeconds !== undefined ? Math.round(error.details.waitSeconds * 1000) : undefined,
    details: [{ kind: error.kind, status: error.details.status ?? null }],
  });
}
