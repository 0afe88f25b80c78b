/** Calendar arithmetic on `YYYY-MM-DD` strings in UTC; pure, so workflows can use it too. */
export type IsoDate = string;

function parse(date: IsoDate): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

export function toIsoDate(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const result = parse(date);
  result.setUTCDate(result.getUTCDate() + days);
  return toIsoDate(result);
}

/** Adds months, clamping the day to the target month's length (31 March − 1 month = 28/29 February). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const source = parse(date);
  const target = new Date(Date.UTC(source.getUTCFullYear(), source.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(source.getUTCDate(), lastDay));
  return toIsoDate(target);
}

/** `2024-01-31` → `20240131`, the form CEPiK's `data-od`/`data-do` take. */
export function toCepikDate(date: IsoDate): string {
  parse(date);
  return date.replaceAll('-', '');
}

/** `20240131` → `2024-01-31`; undefined when it is not a real calendar date. */
export function fromCepikDate(value: string): IsoDate | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!match) return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  return toIsoDate(parse(iso)) === iso ? iso : undefined;
}
