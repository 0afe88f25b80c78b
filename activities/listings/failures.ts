import { ApplicationFailure } from '@temporalio/common';
import type { Settings } from '../../config/settings';
import type { FailureMapper } from '../../temporal/activity-failures';
import { AlertWebhookUnavailableError } from './alert-webhook';
import { BotChallengeError, ResultsPageError } from './results-page';

/** The activity whose every failure is a typed scrape failure (a challenge, a page, or anything else). */
const SCRAPE_ACTIVITY = 'scrapeModelListings';

/** A library error's first line: Playwright appends its call log, which belongs in the logs, not the failure. */
export const firstLine = (error: unknown): string => (error instanceof Error ? error.message.split('\n')[0]! : String(error));

/**
 * AutoTrader's errors as typed failures: a bot challenge waits long (AUTOTRADER_CHALLENGE_RETRY_SECONDS,
 * doubling per attempt) instead of hammering the site, a throttled page (429/503) a minute per attempt;
 * any other failure of the scrape is `ScrapeFailed`, retried on the workflow's profile; a deal-alert
 * webhook that is down is `AlertWebhookUnavailable`, retried on the delivery's profile.
 */
export function autotraderFailureMapper(settings: Pick<Settings, 'AUTOTRADER_CHALLENGE_RETRY_SECONDS'>): FailureMapper {
  return (error, context) => {
    const { attempt } = context.info;
    if (error instanceof BotChallengeError) {
      return ApplicationFailure.create({
        type: 'BotChallenge',
        message: firstLine(error),
        nonRetryable: false,
        nextRetryDelay: Math.round(settings.AUTOTRADER_CHALLENGE_RETRY_SECONDS * 1000 * 2 ** (attempt - 1)),
      });
    }
    if (error instanceof ResultsPageError) {
      const throttled = error.status === 429 || error.status === 503;
      return ApplicationFailure.create({
        type: 'ResultsPageUnavailable',
        message: firstLine(error),
        nonRetryable: false,
        ...(throttled ? { nextRetryDelay: 60_000 * attempt } : {}),
      });
    }
    if (error instanceof AlertWebhookUnavailableError) {
      return ApplicationFailure.create({ type: 'AlertWebhookUnavailable', message: error.message, nonRetryable: false });
    }
    if (context.info.activityType === SCRAPE_ACTIVITY) {
      return ApplicationFailure.create({ type: 'ScrapeFailed', message: firstLine(error), nonRetryable: false });
    }
    return undefined;
  };
}
