import { z } from 'zod';
import { normalizeAddress } from './address';
import { mapPermitClass, mapPermitType, mapStatus, mapWorkClass } from './blds';
import type { ParsedRecord, PermitFields } from './permit-record';
import { classifyTrades, isHvac } from './trades';

/** A source column name: never blank, never NUL (PostgreSQL cannot store it in the county's JSONB config). */
const sourceColumn = z.string().min(1).max(200).regex(/^[^\u0000]+$/, 'must not contain the NUL character (\\u0000)');

/**
 * A jurisdiction's field mapping: which column of its Socrata dataset or ArcGIS layer holds each canonical permit
 * field. Only the permit number and the date to pull by are required; a column left out is simply not published.
 * The shipped examples for real datasets are in `domain/permits/example-mappings.ts`.
 */
export const fieldMappingSchema = z.strictObject({
  permit_number: sourceColumn,
  permit_type: sourceColumn.optional(),
  permit_type_mapped: sourceColumn.optional(),
  permit_class: sourceColumn.optional(),
  work_class: sourceColumn.optional(),
  description: sourceColumn.optional(),
  status: sourceColumn.optional(),
  status_mapped: sourceColumn.optional(),
  applied_date: sourceColumn.optional(),
  issued_date: sourceColumn.optional(),
  completed_date: sourceColumn.optional(),
  address: sourceColumn.optional(),
  city: sourceColumn.optional(),
  state: sourceColumn.optional(),
  postal_code: sourceColumn.optional(),
  owner: sourceColumn.optional(),
  contractor: sourceColumn.optional(),
  valuation: sourceColumn.optional(),
  parcel: sourceColumn.optional(),
  /** The date column year windows and date-window incrementals filter on (usually the issue or applied date). */
  pull_date: sourceColumn,
  /** A last-edited column for incremental pulls; Socrata's system `:updated_at` is always available there. */
  last_updated: sourceColumn.optional(),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** Every source column a mapping names, each once (what a connection test looks for in the live metadata). */
export function mappedColumns(mapping: FieldMapping): string[] {
  return [...new Set(Object.values(mapping).filter((column): column is string => typeof column === 'string'))];
}

/** The mapped columns the source's metadata does not list; system fields (`:id`, `:updated_at`) always exist. */
export function missingColumns(mapping: FieldMapping, sourceColumns: readonly string[]): string[] {
  const known = new Set(sourceColumns.map((column) => column.toLowerCase()));
  return mappedColumns(mapping).filter((column) => !column.startsWith(':') && !known.has(column.toLowerCase()));
}

export interface ReadContext {
  /** The jurisdiction's IANA zone: epoch-millisecond dates are converted to its local day. */
  timeZone: string;
  /** Today (`yyyy-MM-dd`) in that zone: a later date is a future-dated record and is rejected. */
  today: string;
  /** Dates before this year are impossible for a building permit and are rejected. */
  earliestYear?: number;
}

export type DateReading = { ok: true; date: string | null } | { ok: false; reason: string };

const localDayFormats = new Map<string, Intl.DateTimeFormat>();

/** `yyyy-MM-dd` of an instant in a time zone. */
export function localDay(epochMs: number, timeZone: string): string {
  let format = localDayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    localDayFormats.set(timeZone, format);
  }
  return format.format(new Date(epochMs));
}

function validDay(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A source date as the jurisdiction's local day. Accepted: epoch milliseconds (ArcGIS `esriFieldTypeDate`, an
 * instant: converted in the zone), Socrata floating timestamps and ISO dates (`2016-09-21T15:45:00.000`, already
 * local: the date part is kept; with an offset or `Z` it is an instant), and `MM/DD/YYYY` text (with or without a
 * wall time). Absent is null;
 * anything else, an impossible calendar day, a year before `earliestYear` or a day after today is a reason.
 */
export function readSourceDate(value: unknown, context: ReadContext): DateReading {
  if (value === undefined || value === null || value === '') return { ok: true, date: null };
  let day: string | null = null;
  if (typeof value === 'number' && Number.isFinite(value)) {
    day = localDay(value, context.timeZone);
  } else if (typeof value === 'string') {
    const text = value.trim();
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
    // `MM/DD/YYYY`, also with a wall time as old ArcGIS string dates have it (`4/21/2006 12:00:00 AM`).
    const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$/i.exec(text);
    if (iso?.[6]) {
      const instant = Date.parse(text);
      day = Number.isNaN(instant) ? null : localDay(instant, context.timeZone);
    } else if (iso) {
      day = validDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    } else if (us) {
      day = validDay(Number(us[3]), Number(us[1]), Number(us[2]));
    } else if (/^-?\d{10,14}$/.test(text)) {
      day = localDay(Number(text), context.timeZone);
    }
  }
  if (day === null) return { ok: false, reason: `unreadable date ${JSON.stringify(value)}` };
  if (Number(day.slice(0, 4)) < (context.earliestYear ?? 1900)) return { ok: false, reason: `impossible date ${day}` };
  if (day > context.today) return { ok: false, reason: `future date ${day} (today is ${context.today})` };
  return { ok: true, date: day };
}

function text(row: Record<string, unknown>, column: string | undefined): string | null {
  if (!column) return null;
  const value = row[column];
  if (value === undefined || value === null) return null;
  const asText = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
  return asText ? asText : null;
}

function amount(value: string | null): number | null {
  if (value === null) return null;
  const number = Number(value.replace(/[$,\s]/g, ''));
  return Number.isFinite(number) ? number : null;
}

/**
 * One Socrata row or ArcGIS feature's attributes read through the jurisdiction's mapping into the canonical
 * permit. Rejected (kept with the reason, never loaded): no permit number, no readable pull date, any mapped date
 * unreadable, impossible or in the future, a completion before the application.
 */
export function readMappedPermit(row: Record<string, unknown>, mapping: FieldMapping, context: ReadContext): ParsedRecord<Record<string, unknown>> {
  const permitNumber = text(row, mapping.permit_number);
  if (!permitNumber) return { ok: false, externalId: null, reason: `missing permit number (${mapping.permit_number})` };
  const reject = (reason: string): ParsedRecord<Record<string, unknown>> => ({ ok: false, externalId: permitNumber, reason });

  const dates: Record<'pull' | 'applied' | 'issued' | 'completed' | 'updated', string | null> = { pull: null, applied: null, issued: null, completed: null, updated: null };
  const dateColumns = { pull: mapping.pull_date, applied: mapping.applied_date, issued: mapping.issued_date, completed: mapping.completed_date, updated: mapping.last_updated };
  for (const [name, column] of Object.entries(dateColumns) as Array<[keyof typeof dates, string | undefined]>) {
    if (!column) continue;
    const reading = readSourceDate(row[column], context);
    if (!reading.ok) return reject(`${column}: ${reading.reason}`);
    dates[name] = reading.date;
  }
  if (!dates.pull) return reject(`missing pull date (${mapping.pull_date})`);
  if (dates.completed && dates.applied && dates.completed < dates.applied) return reject(`completed ${dates.completed} before applied ${dates.applied}`);

  const permitType = text(row, mapping.permit_type);
  const permitClassText = text(row, mapping.permit_class);
  const description = text(row, mapping.description);
  const { trades } = classifyTrades({ permitType, permitTypeMapped: text(row, mapping.permit_type_mapped), permitClass: permitClassText, workClass: text(row, mapping.work_class), description });
  const status = text(row, mapping.status);
  const street = text(row, mapping.address);
  const city = text(row, mapping.city);
  const postalCode = text(row, mapping.postal_code);
  const fields: PermitFields = {
    recordId: permitNumber,
    customId: null,
    trackingId: null,
    module: null,
    typePath: permitType,
    isHvac: isHvac(trades),
    status,
    openedDate: `${dates.pull} 00:00:00`,
    updatedDate: dates.updated ? `${dates.updated} 00:00:00` : null,
    description,
    address: street ? { street, city, state: text(row, mapping.state), postalCode, key: normalizeAddress([street, city ?? '', postalCode?.slice(0, 5) ?? ''].join(' ')) } : null,
    ownerName: text(row, mapping.owner),
    ownerPhone: null,
    ownerEmail: null,
    parcelNumber: text(row, mapping.parcel),
    landValue: null,
    improvedValue: null,
    permitNumber,
    permitType,
    permitTypeMapped: mapPermitType(text(row, mapping.permit_type_mapped), permitType, trades),
    statusCurrentMapped: mapStatus(text(row, mapping.status_mapped), status),
    workClassMapped: mapWorkClass(text(row, mapping.work_class), trades),
    permitClassMapped: mapPermitClass(permitClassText, [permitClassText, permitType, description].filter(Boolean).join(' ')),
    appliedDate: dates.applied,
    issuedDate: dates.issued,
    completedDate: dates.completed,
    valuation: amount(text(row, mapping.valuation)),
    contractor: text(row, mapping.contractor),
    trades,
  };
  return { ok: true, record: row, fields };
}
