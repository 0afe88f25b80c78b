import type { KeySpecs, PriceIndicator } from './card-text';

/** The slots the site fills with paid or recommended adverts; they are not organic results. */
export const AD_SLOT_TYPES = ['PROMOTED_LISTING', 'FEATURED_LISTING', 'YOU_MAY_ALSO_LIKE', 'LEASING_LISTING'] as const;
/** A known slot, or a card marked as not organic in a way naming none of them. */
export type AdSlotType = (typeof AD_SLOT_TYPES)[number] | 'UNRECOGNISED_SLOT';

/** One organic advert as shown on a search-result card, with body, fuel and gearbox where the card states them. */
export interface ScrapedListing extends KeySpecs {
  advertId: string;
  title: string;
  subtitle: string | null;
  year: number | null;
  plate: string | null;
  mileage: number | null;
  price: number;
  sellerType: 'private' | 'trade';
  dealerName: string | null;
  dealerRating: number | null;
  town: string | null;
  distanceMiles: number | null;
  url: string;
  priceIndicator: PriceIndicator | null;
  attentionGrabber: string | null;
}

export interface RejectedCard {
  advertId: string | null;
  reason: string;
  html: string;
}

export interface ParsedResultsPage {
  /** Where the adverts were read: the card markup (current or older layout) or the search SPA's gateway JSON. */
  layout: 'current' | 'legacy' | 'gateway' | 'none';
  /** Organic adverts in page order, each advert id once. */
  listings: ScrapedListing[];
  /** Sponsored and recommended cards, with the mark that gave each away (e.g. `journey=YOU_MAY_ALSO_LIKE_JOURNEY`). */
  adSlots: Array<{ advertId: string | null; slot: AdSlotType; marker: string }>;
  skeletons: number;
  /** Cards that looked like adverts but could not be read; kept with the reason. */
  rejected: RejectedCard[];
  /** "1,515 results" → 1515, when the page shows it. */
  resultCount: number | null;
}
