import { addDays, addMonths, type IsoDate, toIsoDate } from './dates';

/** An inclusive range of first-registration dates. */
export interface DateWindow {
  from: IsoDate;
  to: IsoDate;
}

export const DEFAULT_MONTHS_BACK = 36;
export const DEFAULT_WINDOW_MONTHS = 2;
/** CEPiK refuses a range of two years or more ("Maksymalny zakres lat to: 2"). */
export const MAX_WINDOW_YEARS = 2;

/**
 * The first-registration window of leases expiring now: it ends `monthsBack` months before `today`
 * and spans `windowMonths` months, both ends inclusive (36/2 on 2026-11-23 → 2023-09-24 … 2023-11-23).
 */
export function leaseExpiryWindow(today: Date, monthsBack = DEFAULT_MONTHS_BACK, windowMonths = DEFAULT_WINDOW_MONTHS): DateWindow {
  const to = addMonths(toIsoDate(today), -monthsBack);
  return { from: addDays(addMonths(to, -windowMonths), 1), to };
}

/** Splits a window into consecutive parts CEPiK accepts: each part is shorter than two years. */
export function splitWindow(window: DateWindow, maxYears = MAX_WINDOW_YEARS): DateWindow[] {
  if (window.from > window.to) throw new RangeError(`window starts after it ends: ${window.from} > ${window.to}`);
  const parts: DateWindow[] = [];
  let from = window.from;
  while (from <= window.to) {
    const longestTo = addDays(addMonths(from, maxYears * 12), -1);
    const to = longestTo < window.to ? longestTo : window.to;
    parts.push({ from, to });
    from = addDays(to, 1);
  }
  return parts;
}

/** True when CEPiK would accept the window in one request. */
export function isWithinApiLimit(window: DateWindow, maxYears = MAX_WINDOW_YEARS): boolean {
  return window.to <= addDays(addMonths(window.from, maxYears * 12), -1);
}
