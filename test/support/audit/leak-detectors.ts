/**
 * Detectors of the secrets and personal-data audit (scripts/run-tests.ts runs it after the suite):
 * e-mail addresses, phone numbers and known credential values in a piece of text. Pure, so their
 * precision is unit-tested both ways (test/platform/leak-detectors.test.ts).
 */

export type LeakKind = 'email' | 'phone' | 'credential';

export interface KnownCredential {
  /** What it is, for the report ("HighLevel API token"). */
  label: string;
  value: string;
  /**
   * `secret`: must appear nowhere. `account-identifier` (an Accela app id or user name): not in
   * workflow histories or logs either, but the county routes show it back to the operator who set it.
   */
  kind: 'secret' | 'account-identifier';
}

export interface Leak {
  kind: LeakKind;
  /** The match, masked: enough to find it, never the whole secret or address. */
  masked: string;
  credential?: KnownCredential;
}

/**
 * An address with a dotted domain ending in letters; `%40` is the `@` of a URL-encoded address (a
 * query string in a logged URL). Package specifiers (`pino@10.4.0`) end in digits and do not match,
 * nor does a host followed by a path (`\n@type.googleapis.com/…` in a printed protobuf status).
 */
const EMAIL = /(?<![\w.%+\\-])[A-Za-z0-9][\w.+-]*(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w/-]|\.\w)/g;

/** Neither inside a longer word, number, UUID or dotted/dashed run, nor followed by one. */
const BEFORE = String.raw`(?<![\w+.\-/])`;
const AFTER = String.raw`(?![\w\-/]|[.:]\d)`;

/**
 * Phone numbers as people and systems write them. Every shape needs either a leading `+` or
 * separators between the groups, so ids, counts, epoch timestamps and dates (4-2-2 digits) do not
 * match; a bare run of digits is never taken for a phone number.
 */
const PHONE_SHAPES: Array<{ shape: RegExp; digits: [number, number] }> = [
  // E.164 and international writing: +1 212 201 1000, +44 20 7946 0018, +48 512 345 678, +12122011000.
  { shape: new RegExp(String.raw`${BEFORE}\+[1-9](?:[ .\-]?\(?\d\)?){7,14}${AFTER}`, 'g'), digits: [8, 15] },
  // North American: (212) 201-1000, 212.201.1000, 813 555 1234, 1-212-201-1000.
  { shape: new RegExp(String.raw`${BEFORE}(?:1[ .\-])?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .\-])[2-9]\d{2}[ .\-]\d{4}${AFTER}`, 'g'), digits: [10, 11] },
  // UK national: 020 7946 0018, 07700 900123, (01632) 960123.
  { shape: new RegExp(String.raw`${BEFORE}(?:\(0[1-9]\d{1,4}\)|0[1-9]\d{1,4}) \d{3,4} ?\d{3,4}${AFTER}`, 'g'), digits: [10, 11] },
  // Polish national: 512 345 678, 512-345-678, 22 123 45 67.
  { shape: new RegExp(String.raw`${BEFORE}(?:\d{3}([ \-])\d{3}\1\d{3}|\d{2}([ \-])\d{3}\2\d{2}\2\d{2})${AFTER}`, 'g'), digits: [9, 9] },
];

export function findEmails(text: string): string[] {
  return [...text.matchAll(EMAIL)].map((match) => match[0]);
}

export function findPhoneNumbers(text: string): string[] {
  const found: Array<{ start: number; end: number; number: string }> = [];
  for (const { shape, digits } of PHONE_SHAPES) {
    for (const match of text.matchAll(shape)) {
      const count = match[0].replace(/\D/g, '').length;
      const start = match.index;
      const end = start + match[0].length;
      // One number written one way can fit two shapes (+1 212 201 1000 holds 212 201 1000): count it once.
      if (count < digits[0] || count > digits[1] || found.some((other) => start < other.end && other.start < end)) continue;
      found.push({ start, end, number: match[0] });
    }
  }
  return found.sort((a, b) => a.start - b.start).map((match) => match.number);
}

/** The forms a credential travels in: as is, and URL-encoded (a query string, a form body). */
function credentialForms(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value)])];
}

export function findCredentials(text: string, credentials: readonly KnownCredential[]): KnownCredential[] {
  return credentials.filter((credential) => credentialForms(credential.value).some((form) => text.includes(form)));
}

export function maskSecret(value: string): string {
  return value.length <= 6 ? `${'*'.repeat(value.length)}` : `${value.slice(0, 2)}…(${value.length} chars)`;
}

export function maskEmail(address: string): string {
  const [local, domain] = address.split(/@|%40/);
  return `${local!.slice(0, 1)}***@${domain}`;
}

export function maskPhone(number: string): string {
  return `${number.slice(0, Math.min(3, number.length - 2)).replace(/\d/g, '#')}…${number.slice(-2)}`;
}

/** Every leak in `text`: e-mail addresses, phone numbers and the given credentials. */
export function findLeaks(text: string, credentials: readonly KnownCredential[]): Leak[] {
  return [
    ...findCredentials(text, credentials).map((credential) => ({
      kind: 'credential' as const,
      masked: `${credential.label} (${maskSecret(credential.value)})`,
      credential,
    })),
    ...findEmails(text).map((address) => ({ kind: 'email' as const, masked: maskEmail(address) })),
    ...findPhoneNumbers(text).map((number) => ({ kind: 'phone' as const, masked: maskPhone(number) })),
  ];
}
