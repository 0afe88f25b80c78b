import { ScheduleOverlapPolicy } from '@temporalio/client';
import { resolveVoivodeship } from '../domain/registrations/voivodeships';
import { ensureSchedule } from '../temporal/ensure-schedule';
import { leaseExpiryReportMetadata, leaseExpiryScheduleNote } from '../temporal/run-summaries';
import { searchAttributes } from '../temporal/search-attributes';
import { leaseExpiryScheduleId } from '../workflows/registrations/ids';
import type { cepikLeaseExpiryReportWorkflow, LeaseExpiryReportInput } from '../workflows/registrations/lease-expiry-report';
import type { EnsureSchedules } from './registry';

/**
 * One daily Schedule per configured voivodeship (CEPIK_SCHEDULE_REGIONS, default 24 Śląskie) that
 * refreshes its lease-expiry report; the run computes its window from its own start time.
 */
export const ensureCepikSchedules: EnsureSchedules = async ({ client, settings, queues }) => {
  const ids: string[] = [];
  for (const regionCode of settings.CEPIK_SCHEDULE_REGIONS) {
    const input: LeaseExpiryReportInput = {
      regionCode,
      monthsBack: settings.CEPIK_MONTHS_BACK,
      windowMonths: settings.CEPIK_WINDOW_MONTHS,
      brands: [...settings.CEPIK_DEFAULT_BRANDS],
      brandConcurrency: settings.CEPIK_BRAND_CONCURRENCY,
      maxAttempts: settings.CEPIK_PULL_MAX_ATTEMPTS,
    };
    const described = { ...input, regionName: resolveVoivodeship(regionCode)?.name ?? regionCode };
    ids.push(
      await ensureSchedule(client, leaseExpiryScheduleId(regionCode), {
        spec: { calendars: [{ hour: 4, minute: 15, comment: 'daily, after the night' }] },
        action: {
          type: 'startWorkflow',
          workflowType: 'cepikLeaseExpiryReportWorkflow',
          args: [input] as Parameters<typeof cepikLeaseExpiryReportWorkflow>,
          taskQueue: queues.workflows,
          typedSearchAttributes: searchAttributes({ source: 'cepik', pullKind: 'lease-expiry', region: regionCode }),
          ...leaseExpiryReportMetadata({ ...described, scheduled: true }),
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      }, { note: leaseExpiryScheduleNote(described) }),
    );
  }
  return ids;
};
