import { ApplicationFailure } from '@temporalio/activity';
import { AccelaApiError } from '../../clients/accela/errors';
import type { FailureMapper } from '../../temporal/activity-failures';

/** Accela errors as Temporal failures: auth and validation stop the job, the rest retry under the policy. */
export const accelaFailureMapper: FailureMapper = (error) => {
  if (!(error instanceof AccelaApiError)) return undefined;
  return ApplicationFailure.create({
    type: `AccelaApiError.${error.kind}`,
    message: `Accela ${error.code}: ${error.message}`,
    nonRetryable: !error.retryable,
    nextRetryDelay: error.kind === 'rate_limited' && error.details.retryAfterMs !== undefined ? Math.max(1000, error.details.retryAfterMs) : undefined,
    details: [{ httpStatus: error.httpStatus, code: error.code, traceId: error.details.traceId ?? null }],
  });
};
