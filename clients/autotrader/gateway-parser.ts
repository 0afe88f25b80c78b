import { z } from 'zod';
import { slotFromMarkerValue } from './ad-slots';
import { parseLocation, parseMileage, parsePrice, parseRegisteredYear, priceIndicatorFromTestId } from './card-text';
import { canonicalAdvertUrl, listingSchema } from './card-parser';
import type { ParsedResultsPage } from './listing';

/**
 * The JSON the search SPA loads for its cards: `POST /at-gateway?opname=SearchResultsListingsGridQuery`
 * (see ../shared/reference/autotrader.md A1; the recorded response F2 is a real sample). Reading it
 * spares waiting for the cards to render and reading them back out of the page.
 */
export const GATEWAY_SEARCH_OPERATION = 'SearchResultsListingsGridQuery';

/** True for the gateway search call of the results page numbered `pageNumber`. */
export function isGatewaySearchRequest(url: string, method: string, body: string | null, pageNumber: number): boolean {
  if (method !== 'POST') return false;
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/at-gateway') || parsed.searchParams.get('opname') !== GATEWAY_SEARCH_OPERATION) return false;
  try {
    const [operation] = JSON.parse(body ?? '') as Array<{ variables?: { page?: unknown } }>;
    return Number(operation?.variables?.page ?? 1) === pageNumber;
  } catch {
    return false;
  }
}

const badgeSchema = z.object({ type: z.string(), displayText: z.string().nullable().optional() });
const advertSchema = z.object({
  type: z.string(),
  advertId: z.string(),
  title: z.string(),
  subTitle: z.string().nullable().optional(),
  attentionGrabber: z.string().nullable().optional(),
  price: z.string(),
  vehicleLocation: z.string().nullable().optional(),
  sellerType: z.string().nullable().optional(),
  dealerReview: z.object({ overallReviewRating: z.number().nullable().optional() }).nullable().optional(),
  badges: z.array(badgeSchema).default([]),
});
const entrySchema = z.looseObject({ type: z.string(), advertId: z.string().optional() });
const responseSchema = z
  .array(
    z.object({
      data: z.object({
        searchResults: z.object({
          listings: z.array(entrySchema),
          page: z.object({ number: z.number(), count: z.number(), results: z.object({ count: z.number() }) }),
        }),
      }),
    }),
  )
  .min(1);

export interface GatewayPage extends ParsedResultsPage {
  pageNumber: number;
  pageCount: number;
  countsByType: Record<string, number>;
}

/**
 * Reads a gateway search response into the same shape as a parsed results page. `NATURAL_LISTING`
 * entries are the organic adverts (each advert id once); every other type is an ad slot, an advert
 * that is also listed organically included. Throws (zod) when the response is not a search result
 * at all, so the caller can fall back to the rendered cards.
 */
export function parseGatewayResponse(body: unknown, options: { baseUrl: string }): GatewayPage {
  const { listings, page } = responseSchema.parse(body)[0]!.data.searchResults;
  const result: GatewayPage = {
    layout: 'gateway',
    listings: [],
    adSlots: [],
    skeletons: 0,
    rejected: [],
    resultCount: page.results.count,
    pageNumber: page.number,
    pageCount: page.count,
    countsByType: {},
  };
  const organic = new Set<string>();
  for (const entry of listings) {
    result.countsByType[entry.type] = (result.countsByType[entry.type] ?? 0) + 1;
    const slot = slotFromMarkerValue(entry.type);
    if (slot) {
      result.adSlots.push({ advertId: entry.advertId ?? null, slot, marker: `type=${entry.type}` });
      continue;
    }
    if (!entry.advertId || organic.has(entry.advertId)) continue;
    organic.add(entry.advertId);
    const advert = advertSchema.safeParse(entry);
    const listing = advert.success ? listingSchema.safeParse(toListing(advert.data, options.baseUrl)) : advert;
    if (listing.success) result.listings.push(listing.data);
    else {
      const reason = listing.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      result.rejected.push({ advertId: entry.advertId, reason, html: JSON.stringify(entry) });
    }
  }
  return result;
}

function toListing(advert: z.infer<typeof advertSchema>, baseUrl: string) {
  const badge = (type: string) => advert.badges.find((b) => b.type === type)?.displayText ?? '';
  const registered = parseRegisteredYear(badge('REGISTERED_YEAR'));
  const { town, distanceMiles } = parseLocation(advert.vehicleLocation ?? '');
  const indicatorBadge = advert.badges.find((b) => priceIndicatorFromTestId(b.type));
  return {
    advertId: advert.advertId,
    title: advert.title,
    subtitle: advert.subTitle ?? null,
    year: registered?.year ?? null,
    plate: registered?.plate ?? null,
    mileage: parseMileage(badge('MILEAGE')),
    price: parsePrice(advert.price),
    sellerType: advert.sellerType === 'PRIVATE' ? 'private' : 'trade',
    dealerName: null,
    dealerRating: advert.dealerReview?.overallReviewRating ?? null,
    town,
    distanceMiles,
    url: canonicalAdvertUrl(baseUrl, advert.advertId),
    priceIndicator: indicatorBadge ? priceIndicatorFromTestId(indicatorBadge.type) : null,
    attentionGrabber: advert.attentionGrabber || null,
    // A gateway advert carries no body, fuel or gearbox field (recorded response F2), like the card it renders.
    bodyType: null,
    fuelType: null,
    gearbox: null,
  };
}
