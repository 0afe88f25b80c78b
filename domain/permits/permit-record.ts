import { z } from 'zod';
import { type AccelaOwner, type AccelaParcel, type AccelaRecord, recordSchema } from './accela-record';
import { type PostalAddress, primaryPostalAddress } from './address';
import { mapPermitClass, mapPermitType, mapStatus, mapWorkClass, type PermitClassMapped, type PermitTypeMapped, type StatusMapped, type WorkClassMapped } from './blds';
import { classifyTrades, isHvac, type Trade } from './trades';

/**
 * The canonical permit (BLDS core shaped, ../shared/reference/blds.md §2) that every platform's record is read
 * into; the Accela-only columns (tracking id, module, enrichment) are null for the open-data platforms.
 */
export interface CanonicalPermitFields {
  permitNumber: string;
  permitType: string | null;
  permitTypeMapped: PermitTypeMapped;
  statusCurrentMapped: StatusMapped | null;
  workClassMapped: WorkClassMapped | null;
  permitClassMapped: PermitClassMapped | null;
  /** `yyyy-MM-dd` in the jurisdiction's time zone. */
  appliedDate: string | null;
  issuedDate: string | null;
  completedDate: string | null;
  valuation: number | null;
  contractor: string | null;
  trades: Trade[];
}

/** The structured columns of a permit row, read from one Accela record (with its expansions). */
export interface PermitFields extends CanonicalPermitFields {
  recordId: string;
  customId: string | null;
  trackingId: number | null;
  module: string | null;
  typePath: string | null;
  isHvac: boolean;
  status: string | null;
  openedDate: string;
  updatedDate: string | null;
  description: string | null;
  address: PostalAddress | null;
  ownerName: string | null;
  ownerPhone: string | null;
  ownerEmail: string | null;
  parcelNumber: string | null;
  landValue: number | null;
  improvedValue: number | null;
}

/** One source record read into the canonical permit, or the reason it is kept as a reject. */
export type ParsedRecord<SourceRecord = AccelaRecord> = { ok: true; record: SourceRecord; fields: PermitFields } | { ok: false; externalId: string | null; reason: string };

/** `yyyy-MM-dd HH:mm:ss` (agency-local) or ISO: kept as the agency-local wall time `yyyy-MM-dd HH:mm:ss`. */
export function accelaLocalTimestamp(value: string): string {
  const [date, time = '00:00:00'] = value.replace('T', ' ').replace(/(Z|[+-]\d{2}:?\d{2})$/, '').split(' ');
  return `${date} ${time.length === 5 ? `${time}:00` : time.slice(0, 8)}`;
}

const pickPrimary = <T extends { isPrimary?: string | undefined }>(items: readonly T[] | undefined): T | undefined =>
  items?.find((item) => item.isPrimary === 'Y') ?? items?.[0];

export function ownerName(owner: AccelaOwner | undefined): string | null {
  if (!owner) return null;
  const name = owner.fullName?.trim() || [owner.firstName, owner.lastName].filter(Boolean).join(' ').trim();
  return name || null;
}

function parcelValues(parcel: AccelaParcel | undefined) {
  return {
    parcelNumber: parcel?.parcelNumber ?? parcel?.id ?? null,
    landValue: parcel?.landValue ?? null,
    improvedValue: parcel?.improvedValue ?? null,
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; ');
}

/**
 * Validates one raw record without reading it into a permit: enough to check a listed record's type before it is
 * enriched (and read in full). What cannot be read becomes a reject with the reason, never an exception.
 */
export function validateAccelaRecord(raw: unknown): { ok: true; record: AccelaRecord } | { ok: false; externalId: string | null; reason: string } {
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    const id = (raw as { id?: unknown } | null)?.id;
    return { ok: false, externalId: typeof id === 'string' ? id : null, reason: describeIssues(parsed.error) };
  }
  return { ok: true, record: parsed.data };
}

/** The type path a record's type filter is matched against. */
export const accelaTypePath = (record: AccelaRecord): string | null => record.type?.value ?? null;

/** Validates one raw record and reads it into a permit; what cannot be read becomes a reject with the reason, never an exception. */
export function parseAccelaRecord(raw: unknown): ParsedRecord {
  const validated = validateAccelaRecord(raw);
  if (!validated.ok) return validated;
  const record = validated.record;
  const owner = pickPrimary(record.owners);
  const typePath = accelaTypePath(record);
  const permitType = [typePath, record.type?.text].filter(Boolean).join(' / ') || null;
  const { trades } = classifyTrades({ permitType, description: record.description });
  const status = record.status?.value ?? record.status?.text ?? null;
  const openedDate = accelaLocalTimestamp(record.openedDate);
  return {
    ok: true,
    record,
    fields: {
      recordId: record.id,
      customId: record.customId ?? null,
      trackingId: record.trackingId ?? null,
      module: record.module ?? record.type?.module ?? null,
      typePath,
      isHvac: isHvac(trades),
      status,
      openedDate,
      permitNumber: record.customId ?? record.id,
      permitType: typePath,
      permitTypeMapped: mapPermitType(null, typePath, trades),
      statusCurrentMapped: mapStatus(null, status),
      workClassMapped: mapWorkClass(null, trades),
      permitClassMapped: mapPermitClass(null, typePath),
      // Accela's openedDate is the application date; the record as listed carries no issue or completion date.
      appliedDate: openedDate.slice(0, 10),
      issuedDate: null,
      completedDate: null,
      valuation: null,
      contractor: null,
      trades,
      updatedDate: record.updateDate ? accelaLocalTimestamp(record.updateDate) : null,
      description: record.description ?? null,
      address: primaryPostalAddress(record.addresses),
      ownerName: ownerName(owner),
      ownerPhone: owner?.phone?.trim() || null,
      ownerEmail: owner?.email?.trim() || null,
      ...parcelValues(pickPrimary(record.parcels)),
    },
  };
}

/** Whether a record matches the county's permit type filter (checked here too: the server-side filter syntax is undocumented). */
export function matchesPermitType(typePath: string | null, filter: string | null): boolean {
  if (!filter) return true;
  return typePath !== null && typePath.toLowerCase() === filter.toLowerCase();
}
