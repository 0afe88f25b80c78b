import type { Context as ActivityContext } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter } from 'prom-client';
import { logger } from '../platform/logger';
import { metricsRegistry } from '../platform/metrics';

/**
 * Turns one source's library error into a typed Temporal failure (retryable or not, with the wait the
 * source named as `nextRetryDelay`), or returns undefined when the error is not that source's.
 */
export type FailureMapper = (error: unknown, context: ActivityContext) => ApplicationFailure | undefined;

const activityFailures = new Counter({
  name: 'prospector_activity_failures_total',
  help: 'Activity attempts that failed, by activity type and failure type',
  labelNames: ['activity', 'type', 'retryable'] as const,
  registers: [metricsRegistry],
});

/**
 * The one place where library errors become Temporal failures (as dust's connectors do): every
 * source registers its mapper, activities just throw. It is also where failed attempts are logged
 * and counted, so no activity repeats that.
 */
export function activityFailureInterceptor(mappers: readonly FailureMapper[]): ActivityInterceptorsFactory {
  return (context) => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          if (error instanceof CancelledFailure || context.cancellationSignal.aborted) throw error;
          const failure = translate(error, context, mappers);
          const type = failure instanceof ApplicationFailure ? (failure.type ?? 'Error') : failure instanceof Error ? failure.name : 'Error';
          const retryable = !(failure instanceof ApplicationFailure && failure.nonRetryable);
          activityFailures.inc({ activity: context.info.activityType, type, retryable: String(retryable) });
          logger.warn(
            {
              activity: context.info.activityType,
              workflowId: context.info.workflowExecution?.workflowId,
              attempt: context.info.attempt,
              type,
              retryable,
              err: failure,
            },
            'activity attempt failed',
          );
          throw failure;
        }
      },
    },
  });
}

function translate(error: unknown, context: ActivityContext, mappers: readonly FailureMapper[]): unknown {
  if (error instanceof ApplicationFailure) return error;
  for (const mapper of mappers) {
    const failure = mapper(error, context);
    if (failure) return failure;
  }
  return error;
}
