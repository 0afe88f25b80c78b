import type { Database } from '../../platform/database';
import type { DateWindow } from '../../domain/registrations/windows';
import type { UrgencyLevel } from '../../domain/registrations/opportunity';

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
