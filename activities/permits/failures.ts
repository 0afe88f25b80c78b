import { ApplicationFailure } from '@temporalio/activity';
import { AccelaApiError } from '../../clients/accela/errors';
import { ArcGisError } from '../../clients/arcgis/errors';
import { SocrataError } from '../../clients/socrata/errors';
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

/**
 * Socrata and ArcGIS errors as Temporal failures: throttling, 5xx and transport failures retry under the policy
 * (throttling no sooner than the backoff); a column the source no longer has, a bad or expired token, an unknown
 * dataset or layer stop the job with the source's own words, for an operator to fix the county.
 */
export const openDataFailureMapper: FailureMapper = (error) => {
  if (error instanceof SocrataError) {
    return ApplicationFailure.create({
      type: `SocrataError.${error.kind}`,
      message: error.message,
      nonRetryable: !error.retryable,
      details: [{ httpStatus: error.httpStatus, code: error.code }],
    });
  }
  if (error instanceof ArcGisError) {
    return ApplicationFailure.create({
      type: `ArcGisError.${error.kind}`,
      message: error.message,
      nonRetryable: !error.retryable,
      details: [{ code: error.code }],
    });
  }
  return undefined;
};
