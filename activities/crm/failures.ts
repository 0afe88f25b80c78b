import { ApplicationFailure } from '@temporalio/activity';
import {
  HighLevelAuthError,
  HighLevelDailyLimitError,
  HighLevelError,
  HighLevelLocationAccessError,
  HighLevelRateLimitError,
} from '../../clients/highlevel/errors';
import type { FailureMapper } from '../../temporal/activity-failures';

/** Failure types the sync workflow reacts to. */
export const crmFailureTypes = {
  notConfigured: 'CrmNotConfigured',
  auth: 'HighLevelAuthError',
  locationAccess: 'HighLevelLocationAccessError',
  dailyLimit: 'HighLevelDailyLimitError',
  rateLimited: 'HighLevelRateLimitError',
  unavailable: 'HighLevelUnavailableError',
} as const;

/**
 * HighLevel errors as Temporal failures: a wrong token or location and a spent daily budget will
 * not heal by retrying; a 429 retries after the advertised wait; outages retry with backoff.
 */
export const highLevelFailureMapper: FailureMapper = (error) => {
  if (!(error instanceof HighLevelError)) return undefined;
  if (error instanceof HighLevelAuthError) {
    return ApplicationFailure.create({ type: crmFailureTypes.auth, message: error.message, nonRetryable: true });
  }
  if (error instanceof HighLevelLocationAccessError) {
    return ApplicationFailure.create({ type: crmFailureTypes.locationAccess, message: error.message, nonRetryable: true });
  }
  if (error instanceof HighLevelDailyLimitError) {
    return ApplicationFailure.create({ type: crmFailureTypes.dailyLimit, message: error.message, nonRetryable: true });
  }
  if (error instanceof HighLevelRateLimitError) {
    return ApplicationFailure.create({ type: crmFailureTypes.rateLimited, message: error.message, nextRetryDelay: error.retryAfterMs });
  }
  return ApplicationFailure.create({ type: crmFailureTypes.unavailable, message: error.message });
};
