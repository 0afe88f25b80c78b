import { bodyTypeFromSubtitle } from '../../domain/listings/body-type';
import type { KeySpecs } from './card-text';
import { type SearchCriteria, withSearchFilterSpecs } from './search-url';

/**
 * A card without a body key spec (the 2025–26 card, the gateway JSON) still names a body other
 * than the model's usual one in its subtitle, as derivative names do ("3.6 997 Carrera Cabriolet
 * 2dr", F1, ../shared/reference/autotrader.md A2): that body fills in. The card's own key spec wins.
 */
export function withSubtitleBodyType<T extends KeySpecs & { subtitle: string | null }>(listing: T): T {
  return { ...listing, bodyType: listing.bodyType ?? bodyTypeFromSubtitle(listing.subtitle) };
}

/**
 * Body, fuel and gearbox as a scrape stores them in `listings`: what the card states, else the body
 * its subtitle names and the search's fuel and gearbox filters.
 */
export function withKeySpecsToStore<T extends KeySpecs & { subtitle: string | null }>(
  listing: T,
  criteria: Pick<SearchCriteria, 'fuelType' | 'transmission'>,
): T {
  return withSearchFilterSpecs(withSubtitleBodyType(listing), criteria);
}
