import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { z } from 'zod';
import {
  advertIdFromUrl,
  parseLocation,
  parseKeySpecs,
  parseMileage,
  parsePrice,
  parseRegisteredYear,
  priceIndicatorFromTestId,
} from './card-text';
import { journeyOf, slotFromLabel, slotFromMarkerValue } from './ad-slots';
import { AD_SLOT_TYPES, type AdSlotType, type ParsedResultsPage, type RejectedCard } from './listing';

type Card = cheerio.Cheerio<AnyNode>;

/** What a readable organic advert must hold, whichever representation (card markup or gateway JSON) it was read from. */
export const listingSchema = z.object({
  advertId: z.string().regex(/^\d{6,20}$/, 'advert id is not numeric'),
  title: z.string().min(1, 'no title'),
  subtitle: z.string().nullable(),
  year: z.number().int().nullable(),
  plate: z.string().nullable(),
  mileage: z.number().int().min(0).nullable(),
  price: z.number({ error: 'no price' }).int().positive('no price'),
  sellerType: z.enum(['private', 'trade']),
  dealerName: z.string().nullable(),
  dealerRating: z.number().nullable(),
  town: z.string().nullable(),
  distanceMiles: z.number().nullable(),
  url: z.string().min(1),
  priceIndicator: z.enum(['great', 'good', 'fair', 'low', 'high']).nullable(),
  attentionGrabber: z.string().nullable(),
  bodyType: z.string().nullable(),
  fuelType: z.string().nullable(),
  gearbox: z.string().nullable(),
});

const text = (node: Card) => node.first().text().replace(/\s+/g, ' ').trim();
const optionalText = (node: Card) => (node.length > 0 ? text(node) || null : null);
const byTestId = (card: Card, testId: string) => card.find(`[data-testid="${testId}"]`);

/**
 * Reads the organic adverts of an AutoTrader UK search-results page (current `data-testid` card
 * layout, with a fallback to the older `search-listing-specs` layout). Ad slots (marked inside the
 * card, on the card or on an element enclosing it, or linked with an ad-slot `journey`) and skeleton
 * placeholders are not listings; an advert id is reported once even if the page repeats it.
 * `baseUrl` resolves relative advert links; the stored URL is the canonical `/car-details/<id>`.
 */
export function parseSearchResults(html: string, options: { baseUrl: string }): ParsedResultsPage {
  const $ = cheerio.load(html);
  const resultCountText = optionalText($('[data-testid="search-result-count"]'));
  const resultCount = resultCountText ? Number(/[\d,]+/.exec(resultCountText)?.[0].replace(/,/g, '') ?? NaN) : NaN;
  const page: ParsedResultsPage = {
    layout: 'none',
    listings: [],
    adSlots: [],
    skeletons: $('li.skeleton').length || $('[data-testid^="skeleton-advertCard"]').length,
    rejected: [],
    resultCount: Number.isFinite(resultCount) ? resultCount : null,
  };

  let cards = $('li[data-advertid]').toArray().map((el) => ({ card: $(el), advertId: $(el).attr('data-advertid') ?? null }));
  let read: (card: Card, advertId: string, $: cheerio.CheerioAPI) => unknown = readCurrentCard;
  if (cards.length > 0) {
    page.layout = 'current';
  } else {
    cards = $('[data-testid="advertCard"]').toArray().map((el) => {
      const card = $(el);
      const href = card.find('a[href*="/car-details/"]').first().attr('href') ?? '';
      return { card, advertId: advertIdFromUrl(href) };
    });
    read = readLegacyCard;
    if (cards.length > 0) page.layout = 'legacy';
  }

  const labelBoundary = commonAncestor($, cards.flatMap(({ card }) => card.toArray().filter((el): el is Element => el.type === 'tag')));
  const seen = new Set<string>();
  for (const { card, advertId } of cards) {
    const slot = adSlotOf($, card, labelBoundary);
    if (slot) {
      page.adSlots.push({ advertId, ...slot });
      continue;
    }
    if (!advertId) {
      page.rejected.push(reject($, card, null, 'card has no advert id'));
      continue;
    }
    if (seen.has(advertId)) continue;
    seen.add(advertId);
    const raw = read(card, advertId, $) as Record<string, unknown>;
    raw.url = canonicalAdvertUrl(options.baseUrl, advertId);
    const parsed = listingSchema.safeParse(raw);
    if (parsed.success) page.listings.push(parsed.data);
    else page.rejected.push(reject($, card, advertId, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
  }
  return page;
}

export function canonicalAdvertUrl(baseUrl: string, advertId: string): string {
  return new URL(`/car-details/${advertId}`, baseUrl).toString();
}

const AD_SLOT_TESTIDS = new Set<string>(AD_SLOT_TYPES);
/** Card fields whose text is the seller's own words, never a slot label. */
const SELLER_TEXT = '[data-testid^="search-listing-"]';

/**
 * Why a card is a sponsored or recommended slot, or null for an organic result. Looks inside the
 * card, at the card and every element enclosing it (slot `data-testid`, `data-standout-type`), at
 * labels printed beside the card within an enclosing block, and at its links' `journey`.
 * Labels are only read below `labelBoundary`, the smallest element holding every card of the page,
 * so a heading in the results list itself cannot mark the organic cards around it.
 */
function adSlotOf($: cheerio.CheerioAPI, card: Card, labelBoundary: Element | null): { slot: AdSlotType; marker: string } | null {
  for (const slot of AD_SLOT_TYPES) if (byTestId(card, slot).length > 0) return { slot, marker: `data-testid="${slot}"` };
  for (const el of [...card.find('[data-standout-type]').toArray(), ...card.add(card.parents()).toArray()]) {
    if (el.type !== 'tag') continue;
    const standout = el.attribs['data-standout-type'];
    const standoutSlot = standout === undefined ? null : slotFromMarkerValue(standout);
    if (standoutSlot) return { slot: standoutSlot, marker: `data-standout-type="${standout}" on <${el.name}>` };
    const testId = el.attribs['data-testid'] ?? '';
    if (AD_SLOT_TESTIDS.has(testId)) return { slot: testId as AdSlotType, marker: `data-testid="${testId}" on <${el.name}>` };
  }
  const labels = card
    .find('*')
    .filter((_, el) => el.children.every((child) => child.type === 'text') && $(el).closest(SELLER_TEXT).length === 0)
    .toArray();
  if (labelBoundary && labelBoundary !== card.get(0)) {
    let inner: AnyNode = card.get(0)!;
    for (const enclosing of card.parentsUntil(labelBoundary).toArray()) {
      labels.push(...$(enclosing).children().toArray().filter((child) => child !== inner));
      inner = enclosing;
    }
  }
  for (const el of labels) {
    const label = $(el).text().replace(/\s+/g, ' ').trim();
    const slot = slotFromLabel(label);
    if (slot) return { slot, marker: `label "${label}"` };
  }
  for (const link of card.find('a[href*="/car-details/"]').toArray()) {
    const journey = journeyOf(link.attribs.href ?? '');
    const slot = journey === null ? null : slotFromMarkerValue(journey);
    if (slot) return { slot, marker: `journey=${journey}` };
  }
  return null;
}

/** The smallest element enclosing every card (null without cards; the card itself when it is alone). */
function commonAncestor($: cheerio.CheerioAPI, cards: Element[]): Element | null {
  const [first, ...rest] = cards;
  if (!first) return null;
  if (rest.length === 0) return first;
  return $(first).parents().toArray().find((ancestor) => rest.every((card) => $.contains(ancestor, card))) ?? null;
}

function reject($: cheerio.CheerioAPI, card: Card, advertId: string | null, reason: string): RejectedCard {
  return { advertId, reason, html: $.html(card) };
}

function priceIndicatorOf(card: Card) {
  for (const el of card.find('[data-testid^="pi_"]').toArray()) {
    const indicator = priceIndicatorFromTestId(el.attribs['data-testid'] ?? '');
    if (indicator) return indicator;
  }
  return null;
}

/** 2025–26 layout: everything is under a `data-testid`, except the price span and the dealer rating. */
function readCurrentCard(card: Card, advertId: string, $: cheerio.CheerioAPI) {
  const titleAnchor = byTestId(card, 'search-listing-title').first();
  // The anchor also holds a visually hidden "<subtitle>, £<price>" span for screen readers.
  const hidden = titleAnchor.children('span');
  const title = titleAnchor.clone().children('span').remove().end().text().replace(/\s+/g, ' ').trim();
  const registered = parseRegisteredYear(text(byTestId(card, 'registered_year')));
  const location = byTestId(card, 'search-listing-location');
  const { town, distanceMiles } = parseLocation(text(location));
  const priceSpan = card
    .find('span')
    .filter((_, el) => /^£[\d,]+$/.test($(el).text().trim()))
    .first();
  const price = parsePrice(text(priceSpan)) ?? parsePrice(text(hidden));
  const rating = location.parent().parent().find('p').filter((_, el) => /^\d(\.\d)?$/.test($(el).text().trim()));
  const seller = optionalText(byTestId(card, 'search-listing-seller'));
  const isPrivate = byTestId(card, 'private-seller').length > 0 || /private seller/i.test(seller ?? '');
  return {
    advertId,
    title,
    subtitle: optionalText(byTestId(card, 'search-listing-subtitle')),
    year: registered?.year ?? null,
    plate: registered?.plate ?? null,
    mileage: parseMileage(text(byTestId(card, 'mileage'))),
    price,
    sellerType: isPrivate ? 'private' : 'trade',
    dealerName: isPrivate ? null : dealerNameFrom(seller),
    dealerRating: rating.length > 0 ? Number(text(rating)) : null,
    town,
    distanceMiles,
    priceIndicator: priceIndicatorOf(card),
    attentionGrabber: optionalText(byTestId(card, 'search-listing-attention-grabber')),
    // The 2025–26 card has no key specs (../shared/reference/autotrader.md A2).
    bodyType: null,
    fuelType: null,
    gearbox: null,
  };
}

/** 2023–24 layout: an `h3` title and a positional key-spec list; values are recognised by their shape. */
function readLegacyCard(card: Card, advertId: string, $: cheerio.CheerioAPI) {
  const specs = byTestId(card, 'search-listing-specs')
    .find('li')
    .toArray()
    .map((el) => $(el).text().replace(/\s+/g, ' ').trim());
  const registered =
    parseRegisteredYear(text(byTestId(card, 'search-listing-seller-reg'))) ??
    specs.map(parseRegisteredYear).find((value) => value !== null) ??
    null;
  const mileage =
    parseMileage(text(byTestId(card, 'search-listing-seller-mileage'))) ??
    specs.map(parseMileage).find((value) => value !== null) ??
    null;
  const seller = optionalText(byTestId(card, 'search-listing-seller'));
  const isPrivate = /private seller/i.test(seller ?? '') || byTestId(card, 'private-seller').length > 0;
  const { town, distanceMiles } = parseLocation(text(byTestId(card, 'search-listing-location')));
  const priceNode = byTestId(card, 'search-listing-price');
  const price =
    parsePrice(text(priceNode)) ??
    parsePrice(
      text(
        card
          .find('div, span, p')
          .filter((_, el) => /^£[\d,]+$/.test($(el).text().trim()))
          .first(),
      ),
    );
  return {
    advertId,
    title: text(card.find('h3').first()),
    subtitle: optionalText(byTestId(card, 'search-listing-subtitle')),
    year: registered?.year ?? null,
    plate: registered?.plate ?? null,
    mileage,
    price,
    sellerType: isPrivate ? 'private' : 'trade',
    dealerName: isPrivate ? null : dealerNameFrom(seller),
    dealerRating: null,
    town,
    distanceMiles,
    priceIndicator: priceIndicatorOf(card),
    attentionGrabber: optionalText(byTestId(card, 'search-listing-attention-grabber')),
    ...parseKeySpecs(specs),
  };
}

/** "Smith Motors See all 42 cars" → "Smith Motors". */
function dealerNameFrom(seller: string | null): string | null {
  if (!seller) return null;
  const name = seller.replace(/see all [\d,]+ cars?.*$/i, '').trim();
  return name.length > 0 ? name : null;
}
