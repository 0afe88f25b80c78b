import { z } from '@hono/zod-openapi';

/**
 * The schemas every route builds its request from, so that what the OpenAPI document states (type,
 * pattern, bounds) is exactly what the API enforces, on every route alike.
 */

/** The largest integer a JSON number (a JavaScript double) carries exactly; also within PostgreSQL BIGINT. */
export const MAX_SAFE_ID = Number.MAX_SAFE_INTEGER;

const NUL = '\\u0000';
/** What String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), spelled out so any regex dialect reads it alike. */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

const NUL_FREE = new RegExp(`^[^${NUL}]*$`);
/**
 * At least `min` characters once trimmed and no NUL. Written so that no two neighbouring parts can
 * match the same character: matching stays linear in the input, whatever it is.
 */
const trimmedAtLeast = (min: number) =>
  min <= 1
    ? new RegExp(`^[${TRIMMED}]*[^${TRIMMED}${NUL}][^${NUL}]*$`)
    : new RegExp(`^[${TRIMMED}]*[^${TRIMMED}${NUL}][^${NUL}]{${min - 2},}[^${TRIMMED}${NUL}][${TRIMMED}]*$`);

/** Text taken as given (secrets, notes): PostgreSQL cannot store NUL (U+0000), so it is refused. */
export function verbatimText(options: { min?: number; max: number }) {
  return z
    .string()
    .min(options.min ?? 0)
    .max(options.max)
    .regex(NUL_FREE, 'must not contain the NUL character (\\u0000)');
}

/**
 * Text that is trimmed before use (names, filters): it must keep at least `min` characters once
 * trimmed, and is at most `max` characters as sent.
 */
export function trimmedText(options: { min?: number; max: number }) {
  const min = options.min ?? 1;
  return z
    .string()
    .max(options.max)
    .regex(trimmedAtLeast(min), min <= 1 ? 'must not be blank' : `must have at least ${min} characters besides surrounding spaces`)
    .trim();
}

const DECIMAL_INTEGER = /^-?(0|[1-9][0-9]*)$/;
// What a JSON number or a client's float formatting may look like; not hex, not blank, not Infinity.
const DECIMAL_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** A path or query parameter read as a number, when it is written the one way the document allows. */
function parsedParameter<T extends z.ZodType>(syntax: RegExp, expected: string, schema: T) {
  return z.preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    if (syntax.test(value)) return Number(value);
    context.addIssue({ code: 'custom', message: `expected ${expected}`, input: value });
    return z.NEVER;
  }, schema);
}

/**
 * An integer up to `max`. zod's int() refuses unsafe integers by itself; a maximum at that bound is
 * stated for the document only, so that a client sees one message, not two.
 */
export function boundedInteger(options: { min: number; max: number }) {
  const integer = z.number().int().min(options.min);
  return options.max < Number.MAX_SAFE_INTEGER ? integer.max(options.max) : integer.openapi({ maximum: Number.MAX_SAFE_INTEGER });
}

/** An integer path or query parameter: plain decimal digits (no `+`, `0x`, `1e3`, `1.0`, leading zeros or spaces). */
export function integerParameter(options: { min: number; max: number }) {
  return parsedParameter(DECIMAL_INTEGER, 'a plain decimal integer', boundedInteger(options));
}

/** A decimal number path or query parameter. */
export function numberParameter(options: { min: number; max: number }) {
  return parsedParameter(DECIMAL_NUMBER, 'a decimal number', z.number().min(options.min).max(options.max));
}

const idNumber = () => boundedInteger({ min: 1, max: MAX_SAFE_ID });

/** A row id in a path or query (every table's id is a BIGSERIAL): 1 … 2^53-1, plain decimal. */
export const idParameter = () =>
  parsedParameter(DECIMAL_INTEGER, 'a plain decimal integer id', idNumber()).openapi({ example: 1 });

/** The `{id}` path parameter of a route. */
export const idPath = z.object({ id: idParameter().openapi({ param: { name: 'id', in: 'path' } }) });

/** A row id inside a JSON body. */
export const bodyId = idNumber;
