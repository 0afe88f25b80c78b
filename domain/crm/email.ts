import { z } from 'zod';

const emailSchema = z.email();

export type EmailNormalisation = { ok: true; email: string } | { ok: false; reason: string };

/** A trimmed, syntactically valid address; its case is kept (HighLevel keeps `email` and `emailLowerCase`). */
export function normaliseEmail(raw: string | null | undefined): EmailNormalisation {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '') return { ok: false, reason: 'no email' };
  if (!emailSchema.safeParse(trimmed).success) return { ok: false, reason: `email "${trimmed}" is not a valid address` };
  return { ok: true, email: trimmed };
}

/** The key two addresses are compared by: mailbox names are matched case-insensitively, as HighLevel does. */
export function emailMatchKey(email: string): string {
  return email.trim().toLowerCase();
}

export function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return emailMatchKey(a) === emailMatchKey(b);
}
