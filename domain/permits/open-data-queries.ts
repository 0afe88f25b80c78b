import type { FieldMapping } from './open-data-record';
import { addDays, type DateField, type PullCursor } from './pull-cursor';

/**
 * The queries a pull sends to a Socrata dataset or an ArcGIS layer for one cursor page: pure, so the date windows
 * and literals are unit-tested apart from any server. A cursor window is inclusive days in the jurisdiction's
 * calendar; both platforms are asked for `[windowFrom 00:00, windowTo + 1 day 00:00)`.
 */

/**
 * The source column a cursor's date field filters on: `opened` is the mapping's pull date; `updated` is its
 * last-updated column, or null when the source publishes none (then the pull by date, with the incremental
 * window's overlap, is the whole pull).
 */
export function dateColumnFor(mapping: FieldMapping, dateField: DateField): string | null {
  return dateField === 'opened' ? mapping.pull_date : (mapping.last_updated ?? null);
}

const PLAIN_SOQL_NAME = /^:?[a-z_][a-z0-9_]*$/;

/** A SoQL column reference: plain names as they are, others in backticks (SoQL's identifier quoting). */
export function soqlColumn(column: string): string {
  return PLAIN_SOQL_NAME.test(column) ? column : `\`${column.replace(/`/g, '``')}\``;
}

/**
 * One Socrata page of a window: every column with the system fields (`:*,*`, so `:updated_at` is kept with the
 * record), `$where` on floating timestamps (the dataset's local wall time, as the cursor's days are), ordered by
 * `:id`, the one order that stays stable while paging with `$offset`.
 */
export function socrataPageQuery(column: string, cursor: PullCursor, limit: number) {
  const name = soqlColumn(column);
  return {
    select: ':*,*',
    where: `${name} >= '${cursor.windowFrom}T00:00:00' AND ${name} < '${addDays(cursor.windowTo, 1)}T00:00:00'`,
    order: ':id',
    limit,
    offset: cursor.offset,
  };
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epochMs)).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** The UTC instant (epoch ms) at which a local day begins in a time zone, across daylight-saving changes. */
export function localMidnightUtcMs(day: string, timeZone: string): number {
  const wallMidnight = Date.parse(`${day}T00:00:00Z`);
  const firstGuess = wallMidnight - zoneOffsetMs(wallMidnight, timeZone);
  return wallMidnight - zoneOffsetMs(firstGuess, timeZone);
}

/** An ArcGIS standardized-SQL timestamp literal for a UTC instant: `TIMESTAMP 'yyyy-MM-dd HH:mm:ss'`. */
export function arcgisTimestamp(epochMs: number): string {
  return `TIMESTAMP '${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')}'`;
}

/**
 * The `where` of a window on an ArcGIS date field. ArcGIS dates are instants (epoch ms, UTC), so the window's
 * local days become the UTC instants of their local midnights: a permit issued at 20:00 on 31 December in Miami
 * (01:00 UTC on 1 January) belongs to December's window.
 */
export function arcgisWindowWhere(column: string, cursor: PullCursor, timeZone: string): string {
  const from = localMidnightUtcMs(cursor.windowFrom, timeZone);
  const to = localMidnightUtcMs(addDays(cursor.windowTo, 1), timeZone);
  return `${column} >= ${arcgisTimestamp(from)} AND ${column} < ${arcgisTimestamp(to)}`;
}
