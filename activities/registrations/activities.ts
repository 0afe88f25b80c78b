import { Context } from '@temporalio/activity';
import { CepikClient, clientOptionsFromSettings } from '../../clients/cepik/client';
import type { DateWindow } from '../../domain/registrations/windows';
import { saveRejectedRecords } from '../../platform/rejects';
import { SharedRateLimits } from '../../platform/shared-rate-limits';
import { recordFailedReport, type ReportToSave, saveCompletedReport } from '../../stores/registrations/report-repository';
import { upsertVehiclePage } from '../../stores/registrations/vehicle-store';
import type { ActivityDependencies } from '../dependencies';
import { countedPageRequest, cepikVehiclesTotal } from './metrics';

export type { ReportToSave };

export interface BrandPullInput {
  /** Run id of the report workflow: the key its received vehicles are counted under. */
  pullRun: string;
  jobRef: string;
  regionCode: string;
  brand: string;
  /** One part of the report window, short enough for one CEPiK query. */
  window: DateWindow;
}

/** Heartbeat details: where to resume after a retry; small on purpose. */
export interface PullCursor {
  nextUrl: string | null;
  pages: number;
  received: number;
  rejected: number;
}

export function createRegistrationActivities({ settings, db }: ActivityDependencies) {
  let client: CepikClient | undefined;
  const cepik = () => (client ??= new CepikClient(clientOptionsFromSettings(new SharedRateLimits(db), settings)));

  return {
    /**
     * Pages through one brand's registrations for one window part, upserting page by page. Resumes
     * from the last heartbeat's cursor, so a 429 or a spurious 404 costs one request, not the brand.
     */
    async pullBrandRegistrations(input: BrandPullInput): Promise<PullCursor> {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as PullCursor | undefined;
      let cursor: PullCursor = resumed ?? {
        nextUrl: cepik().firstPageUrl({ voivodeshipCode: input.regionCode, brand: input.brand, from: input.window.from, to: input.window.to }),
        pages: 0,
        received: 0,
        rejected: 0,
      };
      while (cursor.nextUrl) {
        context.heartbeat(cursor);
        // Cancellation (the report failed or was cancelled) arrives with heartbeats: stop between pages.
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
        // A CepikError is thrown as is: the workers' interceptor makes it a typed failure (./failures.ts).
        const page = await countedPageRequest(cepik().fetchPage(cursor.nextUrl, () => context.heartbeat(cursor)));
        await upsertVehiclePage(db, page.vehicles, { pullRun: input.pullRun, brand: input.brand });
        await saveRejectedRecords(
          db,
          page.rejected.map((rejected) => ({
            source: 'cepik',
            entity: 'vehicle_registration',
            externalId: rejected.externalId,
            reason: rejected.reason,
            payload: rejected.payload,
            jobRef: input.jobRef,
          })),
        );
        cepikVehiclesTotal.inc({ result: 'stored' }, page.vehicles.length);
        cepikVehiclesTotal.inc({ result: 'rejected' }, page.rejected.length);
        cursor = {
          nextUrl: page.nextUrl ?? null,
          pages: cursor.pages + 1,
          received: cursor.received + page.vehicles.length,
          rejected: cursor.rejected + page.rejected.length,
        };
      }
      context.heartbeat(cursor);
      return cursor;
    },

    /** Counts what the run received into the report; idempotent per run. */
    async saveLeaseExpiryReport(input: ReportToSave): Promise<{ reportId: number; total: number }> {
      return saveCompletedReport(db, input);
    },

    /** Keeps a failed run visible in PostgreSQL with its reason; cached reports stay untouched. */
    async recordLeaseExpiryFailure(input: ReportToSave & { error: string }): Promise<void> {
      const { error, ...report } = input;
      await recordFailedReport(db, report, error);
    },
  };
}

export type RegistrationActivities = ReturnType<typeof createRegistrationActivities>;
