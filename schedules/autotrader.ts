import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { planBatches } from '../domain/listings/batch-plan';
import { MakeAttribute, PullKindAttribute, SourceAttribute } from '../platform/search-attributes';
import { scrapeBatchScheduleId, scrapeBatchWorkflowId } from '../workflows/listings/ids';
import type { scrapeBatchWorkflow } from '../workflows/listings/scrape-batch';
import type { EnsureSchedules } from './registry';

/**
 * One daily Schedule per batch of the plan (domain/listings/batch-plan.ts), at its slot of the day,
 * so all 242 models are scraped every 24 hours. Created paused in sandbox mode (turn them on in the
 * Web UI); an update keeps whatever paused state an operator set.
 */
export const ensureAutotraderSchedules: EnsureSchedules = async ({ client, settings, queues }) => {
  const paused = settings.AUTOTRADER_SCHEDULES_PAUSED ?? settings.SOURCES === 'sandbox';
  const ids: string[] = [];
  for (const batch of planBatches()) {
    const scheduleId = scrapeBatchScheduleId(batch.id);
    const makes = [...new Set(batch.models.map((m) => m.make))];
    const options = {
      spec: {
        calendars: [{ hour: Math.floor(batch.startMinuteUtc / 60), minute: batch.startMinuteUtc % 60, comment: `daily: ${batch.label}` }],
      },
      action: {
        type: 'startWorkflow' as const,
        workflowType: 'scrapeBatchWorkflow',
        workflowId: scrapeBatchWorkflowId(batch.id),
        args: [{ batchId: batch.id, models: batch.models, concurrency: settings.MAX_CONCURRENT_SCRAPERS, maxResults: null }] as Parameters<
          typeof scrapeBatchWorkflow
        >,
        taskQueue: queues.workflows,
        typedSearchAttributes: [
          { key: SourceAttribute, value: 'autotrader' },
          { key: PullKindAttribute, value: 'scrape-batch' },
          ...(makes.length === 1 ? [{ key: MakeAttribute, value: makes[0]! }] : []),
        ],
      },
      // A batch still running at its next slot (e.g. after bot-challenge back-off) is not started twice.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    };
    try {
      await client.schedule.create({
        scheduleId,
        ...options,
        state: { paused, note: paused ? 'created paused (sandbox): unpause to scrape daily' : undefined },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...options }));
    }
    ids.push(scheduleId);
  }
  return ids;
};
