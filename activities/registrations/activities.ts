import { Context } from '@temporalio/activity';
import { CepikClient, clientOptionsFromSettings } from '../../clients/cepik/client';
import { CepikError } from '../../clients/cepik/errors';
import { buildOpportunity } from '../../domain/registrations/opportunity';
import type { DateWindow } from '../../domain/registrations/windows';
import { withTransaction } from '../../platform/database';
import { saveRejectedRecords } from '../../platform/rejects';
import type { ActivityDependencies } from '../dependencies';
import { toActivityFailure } from './failures';
import { cepikPagesTotal, cepikVehiclesTotal } from './metrics';
import { sortedBrands } from './report-repository';
import { upsertVehiclePage } from './vehicle-store';

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

export interface ReportToSave {
  pullRun: string;
  workflowId: string;
  region: { code: string; name: string };
  monthsBack: number;
  windowMonths: number;
  window: DateWindow;
  brands: string[];
}

export function createRegistrationActivities({ settings, db }: ActivityDependencies) {
  let client: CepikClient | undefined;
  const cepik = () => (client ??= new CepikClient(clientOptionsFromSettings(settings)));

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
        let page;
        try {
          page = await cepik().fetchPage(cursor.nextUrl);
        } catch (error) {
          cepikPagesTotal.inc({ outcome: error instanceof CepikError ? error.kind : 'error' });
          throw toActivityFailure(error);
        }
        cepikPagesTotal.inc({ outcome: 'ok' });
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

    /**
     * Counts the distinct vehicles the run received per brand, scores them and stores the report.
     * Idempotent per run: a retry after a lost reply returns the report already saved.
     */
    async saveLeaseExpiryReport(input: ReportToSave): Promise<{ reportId: number; total: number }> {
      return withTransaction(db, async (tx) => {
        const existing = await tx.query('SELECT id, total FROM lease_expiry_reports WHERE pull_run = $1', [input.pullRun]);
        if (existing.rows[0]) return { reportId: existing.rows[0].id, total: existing.rows[0].total };
        const grouped = await tx.query<{ brand: string; count: number }>(
          'SELECT brand, count(*)::int AS count FROM registration_pull_members WHERE pull_run = $1 GROUP BY brand',
          [input.pullRun],
        );
        const counts = Object.fromEntries(input.brands.map((brand) => [brand, grouped.rows.find((row) => row.brand === brand)?.count ?? 0]));
        const fetchedAt = new Date();
        const opportunity = buildOpportunity({ counts, region: input.region, window: input.window, fetchedAt, stale: false });
        const saved = await tx.query<{ id: number }>(
          `INSERT INTO lease_expiry_reports (region_code, region_name, months_back, window_months, window_from, window_to, brands,
             counts, total, score, urgency, insight, status, workflow_id, pull_run, fetched_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'complete', $13, $14, $15) RETURNING id`,
          [
            input.region.code, input.region.name, input.monthsBack, input.windowMonths, input.window.from, input.window.to,
            sortedBrands(input.brands), JSON.stringify(counts), opportunity.total_expiring_leases, opportunity.opportunity_score,
            opportunity.urgency_level, opportunity.insight, input.workflowId, input.pullRun, fetchedAt,
          ],
        );
        await tx.query('DELETE FROM registration_pull_members WHERE pull_run = $1', [input.pullRun]);
        return { reportId: saved.rows[0]!.id, total: opportunity.total_expiring_leases };
      });
    },

    /** Keeps a failed run visible in PostgreSQL (status `failed` with the reason); cached reports stay untouched. */
    async recordLeaseExpiryFailure(input: ReportToSave & { error: string }): Promise<void> {
      await db.query(
        `INSERT INTO lease_expiry_reports (region_code, region_name, months_back, window_months, window_from, window_to, brands,
           status, error, workflow_id, pull_run)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9, $10) ON CONFLICT (pull_run) DO NOTHING`,
        [
          input.region.code, input.region.name, input.monthsBack, input.windowMonths, input.window.from, input.window.to,
          sortedBrands(input.brands), input.error.slice(0, 2000), input.workflowId, input.pullRun,
        ],
      );
      await db.query('DELETE FROM registration_pull_members WHERE pull_run = $1', [input.pullRun]);
    },
  };
}

export type RegistrationActivities = ReturnType<typeof createRegistrationActivities>;
