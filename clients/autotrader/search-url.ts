import type { KeySpecs } from './card-text';

/** What one model search asks for; the defaults are the original system's (petrol, manual, 25 miles, from 2018). */
export interface SearchCriteria {
  make: string;
  model: string;
  postcode: string;
  radiusMiles: number;
  fuelType: string;
  transmission: string;
  yearFrom: number;
}

export const ORIGINAL_SEARCH_DEFAULTS = { radiusMiles: 25, fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 } as const;

/** The site serves no result page beyond this one for a filter set. */
export const MAX_RESULT_PAGES = 100;

/** `/car-search?postcode&radius&make&model&fuel-type&transmission&year-from&page=N` on the given site. */
export function buildSearchUrl(baseUrl: string, criteria: SearchCriteria, page: number): string {
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be a positive integer, got ${page}`);
  const url = new URL('/car-search', baseUrl);
  url.searchParams.set('postcode', criteria.postcode.replace(/\s+/g, '').toLowerCase());
  url.searchParams.set('radius', String(criteria.radiusMiles));
  url.searchParams.set('make', criteria.make);
  url.searchParams.set('model', criteria.model);
  url.searchParams.set('fuel-type', criteria.fuelType);
  url.searchParams.set('transmission', criteria.transmission);
  url.searchParams.set('year-from', String(criteria.yearFrom));
  url.searchParams.set('sort', 'relevance');
  url.searchParams.set('page', String(page));
  return url.toString();
}

/**
 * A search filtered by fuel type and transmission returns only cars that have them, so its results
 * have them whether or not their cards say so (the 2025–26 card and the gateway JSON do not; the
 * filters are the authoritative source, ../shared/reference/autotrader.md A2). The card's own value wins.
 */
export function withSearchFilterSpecs<T extends KeySpecs>(listing: T, criteria: Pick<SearchCriteria, 'fuelType' | 'transmission'>): T {
  return { ...listing, fuelType: listing.fuelType ?? criteria.fuelType, gearbox: listing.gearbox ?? criteria.transmission };
}
