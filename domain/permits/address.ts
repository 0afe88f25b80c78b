import type { AccelaAddress } from './accela-record';

/** USPS Publication 28 abbreviations for the suffixes and directions seen in permit addresses. */
const STREET_SUFFIXES: Record<string, string> = {
  ALLEY: 'ALY', AVENUE: 'AVE', AV: 'AVE', BOULEVARD: 'BLVD', CIRCLE: 'CIR', COURT: 'CT', COVE: 'CV', CROSSING: 'XING',
  DRIVE: 'DR', EXPRESSWAY: 'EXPY', HIGHWAY: 'HWY', LANE: 'LN', LOOP: 'LOOP', PARKWAY: 'PKWY', PLACE: 'PL', PLAZA: 'PLZ',
  POINT: 'PT', ROAD: 'RD', SQUARE: 'SQ', STREET: 'ST', STR: 'ST', TERRACE: 'TER', TRAIL: 'TRL', TURNPIKE: 'TPKE',
};
const DIRECTIONS: Record<string, string> = {
  NORTH: 'N', SOUTH: 'S', EAST: 'E', WEST: 'W', NORTHEAST: 'NE', NORTHWEST: 'NW', SOUTHEAST: 'SE', SOUTHWEST: 'SW',
};

/**
 * The key two spellings of one address share: upper case, punctuation removed, whitespace collapsed,
 * street suffixes and directions abbreviated.
 */
export function normalizeAddress(address: string): string {
  const words = address
    .toUpperCase()
    .replace(/[^A-Z0-9\s]/g, ' ')
    .split(/\s+/)
    .filter((word) => word.length > 0);
  return words.map((word) => STREET_SUFFIXES[word] ?? DIRECTIONS[word] ?? word).join(' ');
}

export interface PostalAddress {
  street: string;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  /** Street, city and postal code normalized: one property per county and key. */
  key: string;
}

/** The street line of an Accela address: `streetAddress` when sent, else built from its parts. */
export function streetLine(address: AccelaAddress): string | null {
  if (address.streetAddress?.trim()) return address.streetAddress.trim();
  const house = address.streetStart ? `${address.streetStart}${address.houseAlphaStart && address.houseAlphaStart !== String(address.streetStart) ? address.houseAlphaStart : ''}` : null;
  const parts = [house, address.streetPrefix, address.direction?.value, address.streetName, address.streetSuffix?.value]
    .filter((part): part is string => typeof part === 'string' && part.trim().length > 0);
  if (!address.streetName || !house) return address.addressLine1?.trim() || null;
  const unit = address.unitStart ? ` UNIT ${address.unitStart}` : '';
  return `${parts.join(' ')}${unit}`;
}

/** The primary address (or the first) as a postal address with its property key, or null without a street. */
export function primaryPostalAddress(addresses: readonly AccelaAddress[] | undefined): PostalAddress | null {
  if (!addresses || addresses.length === 0) return null;
  const chosen = addresses.find((address) => address.isPrimary === 'Y') ?? addresses[0]!;
  const street = streetLine(chosen);
  if (!street) return null;
  const city = chosen.city?.trim() || null;
  const state = chosen.state?.value ?? chosen.state?.text ?? null;
  const postalCode = chosen.postalCode?.trim() || null;
  const key = normalizeAddress([street, city ?? '', postalCode?.slice(0, 5) ?? ''].join(' '));
  return { street, city, state, postalCode, key };
}
