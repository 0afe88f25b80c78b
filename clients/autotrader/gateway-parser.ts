import { z } from 'zod';
import { parseLocation, parseMileage, parsePrice, parseRegisteredYear, priceIndicatorFromTestId } from './card-text';
import { canonicalAdvertUrl } from './card-parser';
import type { RejectedCard, ScrapedListing } from './listing';

/**
 * The JSON behind the search SPA (`POST /at-gateway?opname=SearchResultsListingsGridQuery`).
 * Not the path the scraper takes, but the same data model as the cards: parsing it checks that
 * the card fields and the listing types are understood.
 */
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

export interface GatewayPage {
  pageNumber: number;
  pageCount: number;
  resultCount: number;
  countsByType: Record<string, number>;
  /** Every advert (organic or not) once, by advert id, with the type it first appeared as. */
  adverts: Array<ScrapedListing & { listingType: string }>;
  /** `NATURAL_LISTING` adverts only. */
  organic: ScrapedListing[];
  rejected: RejectedCard[];
}

export function parseGatewayResponse(body: unknown, options: { baseUrl: string }): GatewayPage {
  const { listings, page } = responseSchema.parse(body)[0]!.data.searchResults;
  const countsByType: Record<string, number> = {};
  const adverts: GatewayPage['adverts'] = [];
  const rejected: RejectedCard[] = [];
  const seen = new Set<string>();
  for (const entry of listings) {
    countsByType[entry.type] = (countsByType[entry.type] ?? 0) + 1;
    if (!entry.advertId || seen.has(entry.advertId)) continue; // ad slots (GPT_LISTING) and repeats
    seen.add(entry.advertId);
    const parsed = advertSchema.safeParse(entry);
    if (!parsed.success) {
      rejected.push({ advertId: entry.advertId, reason: parsed.error.message, html: JSON.stringify(entry) });
      continue;
    }
    const listing = toListing(parsed.data, options.baseUrl);
    if (listing.price === null) {
      rejected.push({ advertId: entry.advertId, reason: `price: unreadable "${parsed.data.price}"`, html: JSON.stringify(entry) });
      continue;
    }
    adverts.push({ ...listing, price: listing.price, listingType: parsed.data.type });
  }
  return {
    pageNumber: page.number,
    pageCount: page.count,
    resultCount: page.results.count,
    countsByType,
    adverts,
    organic: adverts.filter((advert) => advert.listingType === 'NATURAL_LISTING'),
    rejected,
  };
}

function toListing(advert: z.infer<typeof advertSchema>, baseUrl: string): Omit<ScrapedListing, 'price'> & { price: number | null } {
  const badge = (type: string) => advert.badges.find((b) => b.type === type)?.displayText ?? '';
  const registered = parseRegisteredYear(badge('REGISTERED_YEAR'));
  const { town, distanceMiles } = parseLocation(advert.vehicleLocation ?? '');
  const indicatorBadge = advert.badges.find((b) => priceIndicatorFromTestId(b.type));
  const isPrivate = advert.sellerType === 'PRIVATE';
  return {
    advertId: advert.advertId,
    title: advert.title,
    subtitle: advert.subTitle ?? null,
    year: registered?.year ?? null,
    plate: registered?.plate ?? null,
    mileage: parseMileage(badge('MILEAGE')),
    price: parsePrice(advert.price),
    sellerType: isPrivate ? 'private' : 'trade',
    dealerName: null,
    dealerRating: advert.dealerReview?.overallReviewRating ?? null,
    town,
    distanceMiles,
    url: canonicalAdvertUrl(baseUrl, advert.advertId),
    priceIndicator: indicatorBadge ? priceIndicatorFromTestId(indicatorBadge.type) : null,
    attentionGrabber: advert.attentionGrabber || null,
  };
}
