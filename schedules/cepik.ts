import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { PullKindAttribute, RegionAttribute, SourceAttribute } from '../platform/search-attributes';
import { leaseExpiryScheduleId } from '../workflows/registrations/ids';
import type { cepikLeaseExpiryReportWorkflow, LeaseExpiryReportInput } from '../workflows/registrations/lease-expiry-report';
import type { EnsureSchedules } from './registry';

/**
 * One daily Schedule per configured voivodeship (CEPIK_SCHEDULE_REGIONS, default 24 Śląskie) that
 * refreshes its lease-expiry report; the run computes its window from its own start time.
 * Created when missing, updated in place when present.
 */
export const ensureCepikSchedules: EnsureSchedules = async ({ client, settings, queues }) => {
  const ids: string[] = [];
  for (const regionCode of settings.CEPIK_SCHEDULE_REGIONS) {
    const scheduleId = leaseExpiryScheduleId(regionCode);
    const input: LeaseExpiryReportInput = {
      regionCode,
      monthsBack: settings.CEPIK_MONTHS_BACK,
      windowMonths: settings.CEPIK_WINDOW_MONTHS,
      brands: [...settings.CEPIK_DEFAULT_BRANDS],
      brandConcurrency: settings.CEPIK_BRAND_CONCURRENCY,
      maxAttempts: settings.CEPIK_PULL_MAX_ATTEMPTS,
    };
    const options = {
      spec: { calendars: [{ hour: 4, minute: 15, comment: 'daily, after the night' }] },
      action: {
        type: 'startWorkflow' as const,
        workflowType: 'cepikLeaseExpiryReportWorkflow',
        args: [input] as Parameters<typeof cepikLeaseExpiryReportWorkflow>,
        taskQueue: queues.workflows,
        typedSearchAttributes: [
          { key: SourceAttribute, value: 'cepik' },
          { key: RegionAttribute, value: regionCode },
          { key: PullKindAttribute, value: 'lease-expiry' },
        ],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    };
    try {
      await client.schedule.create({ scheduleId, ...options });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...options }));
    }
    ids.push(scheduleId);
  }
  return ids;
};
