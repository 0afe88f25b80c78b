import type { AdSlotType } from './listing';

/**
 * Reading the marks the site puts on sponsored and recommended cards: a slot `data-testid`, a
 * `data-standout-type`, a printed label ("ad", "You may also like"), or the `journey` of the card's
 * detail link (organic results link without one; ad slots with `journey=<SLOT>_JOURNEY`).
 */

const SLOT_LABELS = new Map<string, AdSlotType>([
  ['ad', 'PROMOTED_LISTING'],
  ['sponsored', 'PROMOTED_LISTING'],
  ['promoted', 'PROMOTED_LISTING'],
  ['featured', 'FEATURED_LISTING'],
  ['you may also like', 'YOU_MAY_ALSO_LIKE'],
  ['recommended for you', 'YOU_MAY_ALSO_LIKE'],
  ['leasing', 'LEASING_LISTING'],
]);

/** A printed slot label, matched whole ("Ads may appear higher in results…" is no label). */
export function slotFromLabel(text: string): AdSlotType | null {
  return SLOT_LABELS.get(text.replace(/\s+/g, ' ').trim().toLowerCase()) ?? null;
}

/**
 * The slot a `data-standout-type` or `journey` value names, or null for a value that means an
 * ordinary search result (none, `NATURAL_LISTING`, a search journey). A value naming no slot we
 * know is still not organic: `UNRECOGNISED_SLOT`.
 */
export function slotFromMarkerValue(value: string): AdSlotType | null {
  const name = value
    .toUpperCase()
    .replace(/[^A-Z]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/_JOURNEY$/, '');
  if (name === '' || name === 'NONE' || name === 'STANDARD' || /NATURAL|SEARCH/.test(name)) return null;
  if (/YOU_MAY_ALSO_LIKE|RECOMMEND/.test(name)) return 'YOU_MAY_ALSO_LIKE';
  if (/PROMOTED|SPONSORED/.test(name) || name === 'AD') return 'PROMOTED_LISTING';
  if (/FEATURED/.test(name)) return 'FEATURED_LISTING';
  if (/LEASING/.test(name)) return 'LEASING_LISTING';
  return 'UNRECOGNISED_SLOT';
}

/** The `journey` query parameter of a card link, when it has one. */
export function journeyOf(href: string): string | null {
  try {
    return new URL(href, 'https://www.autotrader.co.uk').searchParams.get('journey');
  } catch {
    return null;
  }
}
