/**
 * What an export writes: named columns, each read from a row of the list query. Text that came from a
 * source (a permit, a listing, an operator's notes) is neutralised for spreadsheets in CSV; numbers,
 * dates and values Prospector computed are written as they are.
 */

export type ExportFormat = 'csv' | 'ndjson';

export interface ExportColumn {
  name: string;
  /** `text`: came from outside and may start like a formula; `value`: a number, a date or a value of ours. */
  kind: 'text' | 'value';
}

const text = (name: string): ExportColumn => ({ name, kind: 'text' });
const value = (name: string): ExportColumn => ({ name, kind: 'value' });

/** `GET /api/leads/export`, in this order. */
export const LEAD_EXPORT_COLUMNS: readonly ExportColumn[] = [
  value('id'), value('county_id'), value('property_id'), value('score'), value('tier'),
  text('owner_name'), text('owner_phone'), text('owner_email'), text('address'), text('city'), text('state'), text('postal_code'),
  value('hvac_age_years'), value('sync_status'), text('crm_contact_id'), value('synced_at'), text('sync_error'), text('notes'),
  value('created_at'), value('updated_at'),
];

/** `GET /api/deals/export`, in this order. */
export const DEAL_EXPORT_COLUMNS: readonly ExportColumn[] = [
  value('advert_id'), text('make'), text('model'), text('title'), text('subtitle'), value('year'), value('mileage'), value('price'),
  value('estimated_value'), value('conservative_value'), value('confidence_level'), value('low_confidence'), value('profit_margin'), value('rating'), value('sample_size'), value('confidence'), value('seller_type'),
  text('location'), value('distance_miles'), text('url'), value('analysed_at'),
];

/** Characters a spreadsheet reads as the start of a formula (or that hide one: tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet shows as text, never evaluates: one starting like a formula gets a leading
 * apostrophe (the OWASP CSV-injection advice), so `=HYPERLINK(…)` in an owner's name stays text.
 */
export function spreadsheetSafe(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function plain(cell: unknown): string | number | boolean | null {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'number' || typeof cell === 'boolean' || typeof cell === 'string') return cell;
  return JSON.stringify(cell);
}

/** A row as CSV cells, in column order: nulls empty, dates ISO 8601, source text spreadsheet-safe. */
export function csvCells(row: Record<string, unknown>, columns: readonly ExportColumn[]): string[] {
  return columns.map((column) => {
    const cell = plain(row[column.name]);
    if (cell === null) return '';
    return column.kind === 'text' ? spreadsheetSafe(String(cell)) : String(cell);
  });
}

/** A row as one JSON-lines record: the same columns, typed values as they are (JSON is not evaluated). */
export function jsonRecord(row: Record<string, unknown>, columns: readonly ExportColumn[]): Record<string, string | number | boolean | null> {
  return Object.fromEntries(columns.map((column) => [column.name, plain(row[column.name])]));
}

/** CSV unless JSON lines are asked for in `Accept`. */
export function exportFormatFor(accept: string | undefined): ExportFormat {
  return /application\/(x-)?ndjson|application\/jsonl/i.test(accept ?? '') ? 'ndjson' : 'csv';
}
