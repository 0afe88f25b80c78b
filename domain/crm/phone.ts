import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export type PhoneNormalisation = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * A phone number in E.164 (`+15551234567`), the form HighLevel stores and matches on.
 * Numbers without a `+` country prefix are read as numbers of `defaultCountry`.
 */
export function normalisePhone(raw: string | null | undefined, defaultCountry: string): PhoneNormalisation {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '') return { ok: false, reason: 'no phone' };
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry.toUpperCase() as CountryCode);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: `phone "${trimmed}" is not a valid number for ${defaultCountry}` };
  return { ok: true, e164: parsed.number };
}
