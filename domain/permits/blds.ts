import type { Trade } from './trades';

/**
 * BLDS core permits mapped values (../shared/reference/blds.md §2): each platform's own type, status, class and
 * work-class text mapped onto the standard's fixed lists, so permits compare across jurisdictions. A source that
 * publishes the mapped columns itself (BLDS datasets on Socrata/ArcGIS) has them used as they come when they are
 * one of the standard values; otherwise they are derived here from the raw text. `null` means "cannot tell".
 */

export const PERMIT_TYPES_MAPPED = ['Building', 'Demolition', 'Electrical', 'Mechanical', 'Plumbing', 'Roof', 'Fence', 'Grading', 'Pool/Spa'] as const;
export const STATUSES_MAPPED = [
  'Application Accepted', 'Fees/Payment', 'In Review', 'Permit Issued', 'Inspection Phase', 'Permit Finaled',
  'Permit Finaled with Conditions', 'Occupancy', 'Appeal', 'Permit Cancelled',
] as const;
export const PERMIT_CLASSES_MAPPED = ['Residential', 'Non-Residential'] as const;
export const WORK_CLASSES_MAPPED = ['New', 'Existing'] as const;

export type PermitTypeMapped = (typeof PERMIT_TYPES_MAPPED)[number];
export type StatusMapped = (typeof STATUSES_MAPPED)[number];
export type PermitClassMapped = (typeof PERMIT_CLASSES_MAPPED)[number];
export type WorkClassMapped = (typeof WORK_CLASSES_MAPPED)[number];

/** The published value when it already is one of the standard's (compared case-insensitively: datasets lower-case it). */
function standardValue<T extends string>(values: readonly T[], published: string | null | undefined): T | null {
  const wanted = published?.trim().toLowerCase();
  return values.find((value) => value.toLowerCase() === wanted) ?? null;
}

/** Trades in the order a permit type is chosen from them: the permit's main trade comes first. */
const TYPE_BY_TRADE: ReadonlyArray<[Trade, PermitTypeMapped]> = [
  ['demolition', 'Demolition'], ['pool', 'Pool/Spa'], ['hvac', 'Mechanical'], ['roofing', 'Roof'],
  ['electrical', 'Electrical'], ['solar', 'Electrical'], ['plumbing', 'Plumbing'], ['water_heater', 'Plumbing'],
];

/** `PermitTypeMapped`: as published, else from the raw type's words, else from the permit's trades, else Building. */
export function mapPermitType(published: string | null | undefined, rawType: string | null | undefined, trades: readonly Trade[]): PermitTypeMapped {
  const standard = standardValue(PERMIT_TYPES_MAPPED, published);
  if (standard) return standard;
  const type = (rawType ?? '').toUpperCase();
  if (/\bMECHANICAL\b/.test(type)) return 'Mechanical';
  if (/\bELECTRIC(AL)?\b/.test(type)) return 'Electrical';
  if (/\bPLUMBING\b/.test(type)) return 'Plumbing';
  if (/\bROOF(ING)?\b/.test(type)) return 'Roof';
  if (/\b(DEMOLITION|WRECKING)\b/.test(type)) return 'Demolition';
  if (/\b(POOL|SPA)\b/.test(type)) return 'Pool/Spa';
  if (/\bFENCE\b/.test(type)) return 'Fence';
  if (/\bGRADING\b/.test(type)) return 'Grading';
  if (trades.includes('new_construction')) return 'Building';
  return TYPE_BY_TRADE.find(([trade]) => trades.includes(trade))?.[1] ?? 'Building';
}

const STATUS_WORDS: ReadonlyArray<[RegExp, StatusMapped]> = [
  [/\b(CANCEL+ED|VOID(ED)?|WITHDRAWN|EXPIRED|REVOKED|DENIED|ABANDONED|INACTIVE)\b/, 'Permit Cancelled'],
  [/\bFINAL(ED)? WITH CONDITIONS\b/, 'Permit Finaled with Conditions'],
  [/\b(FINAL(ED|IZED)?|CLOSED|COMPLETED?|C\.?O\.? ISSUED|CERTIFICATE OF COMPLETION)\b/, 'Permit Finaled'],
  [/\bOCCUPANCY\b/, 'Occupancy'],
  [/\bAPPEAL/, 'Appeal'],
  [/\bINSPECTION/, 'Inspection Phase'],
  [/\b(ISSUED|ACTIVE|APPROVED|OPEN)\b/, 'Permit Issued'],
  [/\b(FEES?|PAYMENT|READY TO ISSUE)\b/, 'Fees/Payment'],
  [/\b(REVIEW|PLAN ?CHECK|PENDING|ON HOLD|CORRECTIONS?)\b/, 'In Review'],
  [/\b(APPLIED|APPLICATION|SUBMITTED|RECEIVED|ACCEPTED|INTAKE|FILED)\b/, 'Application Accepted'],
];

/** `StatusCurrentMapped` from the published mapped value or the raw status text; cancelled-like words win. */
export function mapStatus(published: string | null | undefined, rawStatus: string | null | undefined): StatusMapped | null {
  const standard = standardValue(STATUSES_MAPPED, published);
  if (standard) return standard;
  const status = (rawStatus ?? '').toUpperCase();
  return STATUS_WORDS.find(([pattern]) => pattern.test(status))?.[1] ?? null;
}

/** `PermitClassMapped` from the published value, or from residential/commercial words in the type or class text. */
export function mapPermitClass(published: string | null | undefined, rawText: string | null | undefined): PermitClassMapped | null {
  const standard = standardValue(PERMIT_CLASSES_MAPPED, published);
  if (standard) return standard;
  const text = (rawText ?? '').toUpperCase();
  if (/\b(NON[\s-]?RESIDENTIAL|COMMERCIAL|INDUSTRIAL|INSTITUTIONAL|MULTI[\s-]?FAMILY)\b/.test(text)) return 'Non-Residential';
  if (/\b(RESIDENTIAL|SINGLE[\s-]FAMILY|DUPLEX|SFR|SFD)\b/.test(text)) return 'Residential';
  return null;
}

/** `WorkClassMapped`: a new structure or work on an existing one; new construction is New, any other trade Existing. */
export function mapWorkClass(published: string | null | undefined, trades: readonly Trade[]): WorkClassMapped | null {
  const standard = standardValue(WORK_CLASSES_MAPPED, published);
  if (standard) return standard;
  if (trades.includes('new_construction')) return 'New';
  return trades.length > 0 ? 'Existing' : null;
}
