import { buildOpportunity, type UrgencyLevel } from '../../domain/registrations/opportunity';
import type { DateWindow } from '../../domain/registrations/windows';
import { type Database, withTransaction } from '../../platform/database';

export interface LeaseExpiryReport {
  id: number;
  region: { code: string; name: string };
  monthsBack: number;
  windowMonths: number;
  window: DateWindow;
  brands: string[];
  counts: Record<string, number>;
  total: number;
  score: number;
  urgency: UrgencyLevel;
  insight: string;
  workflowId: string;
  fetchedAt: Date;
}

/** What makes two requests ask for the same report (the window follows from months_back and the date). */
export interface ReportKey {
  regionCode: string;
  monthsBack: number;
  windowMonths: number;
  brands: readonly string[];
}

/** A report run's identity and parameters: what its saved (or failed) row records. */
export interface ReportToSave {
  pullRun: string;
  workflowId: string;
  region: { code: string; name: string };
  monthsBack: number;
  windowMonths: number;
  window: DateWindow;
  brands: string[];
}

const COLUMNS = `id, region_code, region_name, months_back, window_months, to_char(window_from, 'YYYY-MM-DD') AS window_from,
  to_char(window_to, 'YYYY-MM-DD') AS window_to, brands, counts, total, score, urgency, insight, workflow_id, fetched_at`;

function fromRow(row: any): LeaseExpiryReport {
  return {
    id: row.id,
    region: { code: row.region_code, name: row.region_name },
    monthsBack: row.months_back,
    windowMonths: row.window_months,
    window: { from: row.window_from, to: row.window_to },
    brands: row.brands,
    counts: row.counts,
    total: row.total,
    score: row.score,
    urgency: row.urgency,
    insight: row.insight,
    workflowId: row.workflow_id,
    fetchedAt: row.fetched_at,
  };
}

export const sortedBrands = (brands: readonly string[]) => [...brands].sort();

/** The newest complete report for the key, if any, however old (callers judge freshness). */
export async function latestReport(db: Database, key: ReportKey): Promise<LeaseExpiryReport | undefined> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM lease_expiry_reports
     WHERE status = 'complete' AND region_code = $1 AND months_back = $2 AND window_months = $3 AND brands = $4::text[]
     ORDER BY fetched_at DESC LIMIT 1`,
    [key.regionCode, key.monthsBack, key.windowMonths, sortedBrands(key.brands)],
  );
  return result.rows[0] ? fromRow(result.rows[0]) : undefined;
}

export async function reportById(db: Database, id: number): Promise<LeaseExpiryReport | undefined> {
  const result = await db.query(`SELECT ${COLUMNS} FROM lease_expiry_reports WHERE id = $1 AND status = 'complete'`, [id]);
  return result.rows[0] ? fromRow(result.rows[0]) : undefined;
}

/** Removes cached reports (of one region, or all); the vehicles themselves stay. */
export async function deleteReports(db: Database, regionCode?: string): Promise<number> {
  const result = regionCode
    ? await db.query('DELETE FROM lease_expiry_reports WHERE region_code = $1', [regionCode])
    : await db.query('DELETE FROM lease_expiry_reports');
  return result.rowCount ?? 0;
}

/**
 * Counts the distinct vehicles the run received per brand, scores them and stores the report.
 * Idempotent per run: a retry after a lost reply returns the report already saved.
 */
export async function saveCompletedReport(db: Database, input: ReportToSave): Promise<{ reportId: number; total: number }> {
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
}

/** Keeps a failed run visible (status `failed` with the reason); cached reports stay untouched. */
export async function recordFailedReport(db: Database, input: ReportToSave, error: string): Promise<void> {
  await db.query(
    `INSERT INTO lease_expiry_reports (region_code, region_name, months_back, window_months, window_from, window_to, brands,
       status, error, workflow_id, pull_run)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9, $10) ON CONFLICT (pull_run) DO NOTHING`,
    [
      input.region.code, input.region.name, input.monthsBack, input.windowMonths, input.window.from, input.window.to,
      sortedBrands(input.brands), error.slice(0, 2000), input.workflowId, input.pullRun,
    ],
  );
  await db.query('DELETE FROM registration_pull_members WHERE pull_run = $1', [input.pullRun]);
}
