import type { PageEntry } from './page-html';

/**
 * The search SPA's data call as the research notes describe it (../shared/reference/autotrader.md A1)
 * and the recorded response F2 shows it: `POST /at-gateway?opname=SearchResultsListingsGridQuery`, a
 * JSON array of one GraphQL operation whose `variables.filters` carry the search, answered with
 * `[{data: {searchResults: {listings, page}}}]`. Without the mandatory `price_search_type` filter the
 * real gateway answers 200 with errors; so does this one.
 */
export const GATEWAY_PATH = '/at-gateway';
export const GATEWAY_OPERATION = 'SearchResultsListingsGridQuery';

interface GatewayFilter {
  filter: string;
  selected: string[];
}

export interface GatewaySearch {
  make: string;
  model: string;
  fuelType: string | null;
  transmission: string | null;
  yearFrom: number | null;
  page: number;
}

/** The search a gateway request asks for, or the error message the gateway answers with. */
export function readGatewayRequest(body: string): GatewaySearch | { error: string } {
  let operation: { operationName?: string; variables?: { filters?: GatewayFilter[]; page?: number } } | undefined;
  try {
    [operation] = JSON.parse(body) as Array<typeof operation>;
  } catch {
    return { error: 'body is not a JSON array of operations' };
  }
  if (operation?.operationName !== GATEWAY_OPERATION) return { error: `unknown operation ${operation?.operationName}` };
  const filters = new Map((operation.variables?.filters ?? []).map((f) => [f.filter, f.selected[0] ?? null]));
  if (!filters.has('price_search_type')) return { error: 'INVALID_ARGUMENT: price_search_type is required' };
  return {
    make: filters.get('make') ?? '',
    model: filters.get('model') ?? '',
    fuelType: filters.get('fuel_type') ?? null,
    transmission: filters.get('transmission') ?? null,
    yearFrom: Number(filters.get('min_year_manufactured')) || null,
    page: Number(operation.variables?.page) || 1,
  };
}

const money = (value: number) => `£${value.toLocaleString('en-GB')}`;

/** One page of the gateway answer, in the shape of the recorded response (fields the cards show, plus a Google ad slot). */
export function gatewayResponse(entries: PageEntry[], page: number, pageCount: number, resultCount: number): unknown {
  const listings: unknown[] = entries.map(({ car, slot }, index) => ({
    type: slot ?? 'NATURAL_LISTING',
    advertId: car.advertId,
    title: `${car.make} ${car.model}`,
    subTitle: car.subtitle,
    attentionGrabber: car.attentionGrabber,
    price: money(car.price),
    vehicleLocation: `${car.town} (${car.distanceMiles} miles)`,
    locationType: 'STANDARD',
    images: [`/media/${car.advertId}-1.jpg`],
    sellerType: car.sellerType === 'private' ? 'PRIVATE' : 'TRADE',
    dealerReview: car.dealerRating === null ? null : { overallReviewRating: car.dealerRating },
    fpaLink: `/car-details/${car.advertId}?${slot ? `journey=${slot}_JOURNEY&` : ''}sort=relevance`,
    badges: [
      ...(car.priceIndicator ? [{ type: `PI_${car.priceIndicator.toUpperCase()}`, displayText: `${car.priceIndicator} price` }] : []),
      { type: 'MILEAGE', displayText: `${car.mileage.toLocaleString('en-GB')} miles` },
      { type: 'REGISTERED_YEAR', displayText: `${car.year} (${car.plate} reg)` },
    ],
    position: index + 1,
  }));
  listings.splice(Math.min(listings.length, 14), 0, { type: 'GPT_LISTING', posId: 'desktop-search-152' });
  return [{ data: { searchResults: { intercept: null, listings, page: { number: page, count: pageCount, results: { count: resultCount } } } } }];
}

export function gatewayError(message: string): unknown {
  return [{ errors: [{ message, extensions: { code: 'INVALID_ARGUMENT' } }], data: null }];
}
