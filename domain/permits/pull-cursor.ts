/**
 * Where a pull stands: which date field it filters on, which date window, which offset inside it.
 * Accela lists newest first and offsets shift when records arrive during paging, so a range is cut
 * into windows small enough to page safely; records seen twice are de-duplicated by id when saved.
 * Only this small object crosses Temporal.
 */
export type DateField = 'opened' | 'updated';

export interface PullCursor {
  dateField: DateField;
  /** `yyyy-MM-dd`, inclusive. */
  windowFrom: string;
  windowTo: string;
  rangeFrom: string;
  rangeTo: string;
  offset: number;
  /** Date fields still to pull over the same range after this one (an incremental pull does both). */
  thenDateFields: DateField[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const minDate = (a: string, b: string) => (a < b ? a : b);

export function firstCursor(range: { from: string; to: string }, dateFields: readonly DateField[], windowDays: number): PullCursor | null {
  const [dateField, ...thenDateFields] = dateFields;
  if (!dateField || range.from > range.to) return null;
  return {
    dateField,
    windowFrom: range.from,
    windowTo: minDate(addDays(range.from, windowDays - 1), range.to),
    rangeFrom: range.from,
    rangeTo: range.to,
    offset: 0,
    thenDateFields,
  };
}

/** The next page: more of this window, the next window, the next date field, or null when done. */
export function advanceCursor(cursor: PullCursor, hasMore: boolean, pageLimit: number, windowDays: number): PullCursor | null {
  if (hasMore) return { ...cursor, offset: cursor.offset + pageLimit };
  if (cursor.windowTo < cursor.rangeTo) {
    const windowFrom = addDays(cursor.windowTo, 1);
    return { ...cursor, windowFrom, windowTo: minDate(addDays(windowFrom, windowDays - 1), cursor.rangeTo), offset: 0 };
  }
  return nextDateFieldCursor(cursor, windowDays);
}

/** A stable name for the page a cursor points at (used to count each page once). */
export function pageKey(cursor: PullCursor): string {
  return `${cursor.dateField}:${cursor.windowFrom}:${cursor.windowTo}:${cursor.offset}`;
}

/** Share of the cursor's date range already behind it, across its remaining date fields (0–1). */
export function cursorProgress(cursor: PullCursor): number {
  const total = Date.parse(cursor.rangeTo) - Date.parse(cursor.rangeFrom) + DAY_MS;
  const done = Date.parse(cursor.windowFrom) - Date.parse(cursor.rangeFrom);
  const passes = 1 + cursor.thenDateFields.length;
  return Math.min(1, Math.max(0, done / total)) / passes;
}

/** Years of a historical pull, oldest first: `currentYear − years + 1` up to `currentYear`. */
export function historicalYears(currentYear: number, years: number): number[] {
  return Array.from({ length: years }, (_, index) => currentYear - years + 1 + index);
}

/** A year's date range, cut at `today` for the current year. */
export function yearRange(year: number, today: string): { from: string; to: string } {
  return { from: `${year}-01-01`, to: minDate(`${year}-12-31`, today) };
}

/** The incremental window: the `windowDays` days before the scheduled time, the scheduled day included. */
export function incrementalRange(scheduledAt: Date, windowDays: number): { from: string; to: string } {
  const to = scheduledAt.toISOString().slice(0, 10);
  return { from: addDays(to, -windowDays), to };
}

/** The same range by the cursor's next date field, or null when it has none (a source without that date skips it). */
export function nextDateFieldCursor(cursor: PullCursor, windowDays: number): PullCursor | null {
  return firstCursor({ from: cursor.rangeFrom, to: cursor.rangeTo }, cursor.thenDateFields, windowDays);
}
