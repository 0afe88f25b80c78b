import { ScheduleOverlapPolicy } from '@temporalio/client';
import { planBatches } from '../domain/listings/batch-plan';
import { ensureSchedule } from '../temporal/ensure-schedule';
import { scrapeBatchMetadata, scrapeBatchScheduleNote } from '../temporal/run-summaries';
import { searchAttributes } from '../temporal/search-attributes';
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
    const makes = [...new Set(batch.models.map((m) => m.make))];
    const definition = {
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
        typedSearchAttributes: searchAttributes({ source: 'autotrader', pullKind: 'scrape-batch', make: makes.length === 1 ? makes[0] : undefined }),
        ...scrapeBatchMetadata({ batchId: batch.id, label: batch.label, models: batch.models.length, concurrency: settings.MAX_CONCURRENT_SCRAPERS }),
      },
      // A batch still running at its next slot (e.g. after bot-challenge back-off) is not started twice.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    };
    const note = scrapeBatchScheduleNote({ batchId: batch.id, label: batch.label, models: batch.models.length, startMinuteUtc: batch.startMinuteUtc });
    const initialState = { paused, note: paused ? `${note} Created paused (sandbox): unpause to scrape daily.` : note };
    ids.push(await ensureSchedule(client, scrapeBatchScheduleId(batch.id), definition, initialState));
  }
  return ids;
};
