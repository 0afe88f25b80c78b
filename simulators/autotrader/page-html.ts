import { GATEWAY_OPERATION, GATEWAY_PATH } from './gateway';
import type { SimulatedCar } from './inventory';

export type AdSlot = 'FEATURED_LISTING' | 'PROMOTED_LISTING' | 'YOU_MAY_ALSO_LIKE' | 'LEASING_LISTING';
export interface PageEntry {
  car: SimulatedCar;
  slot: AdSlot | null;
}

const escape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const money = (value: number) => `£${value.toLocaleString('en-GB')}`;
const miles = (value: number) => `${value.toLocaleString('en-GB')} miles`;
const SLOT_LABEL: Record<AdSlot, string> = {
  FEATURED_LISTING: 'Featured',
  PROMOTED_LISTING: 'ad',
  YOU_MAY_ALSO_LIKE: 'You may also like',
  LEASING_LISTING: 'Leasing',
};

/**
 * Where an ad slot's marker sits: `inside` the card as on the recorded page (a labelled
 * `data-testid="<SLOT>"` span), or on an element `enclosing` the card (`data-standout-type` and a
 * heading on a block around an unmarked card).
 */
export type SlotMarkerPlacement = 'inside' | 'enclosing';

function detailHref(car: SimulatedCar, slot: AdSlot | null, page: number): string {
  // As on the real page: organic cards link without a journey, ad slots with `<SLOT>_JOURNEY`.
  const journey = slot ? `journey=${slot}_JOURNEY&` : '';
  return `/car-details/${car.advertId}?${journey}sort=relevance&page=${page}`;
}

const insideMarker = (slot: AdSlot | null, placement: SlotMarkerPlacement) =>
  slot && placement === 'inside' ? `<span data-testid="${slot}">${SLOT_LABEL[slot]}</span>` : '';

/** An ad slot's card, wrapped in a marked block when its marker is to sit outside the card. */
function placed(card: string, slot: AdSlot | null, placement: SlotMarkerPlacement): string {
  if (!slot || placement === 'inside') return card;
  return `<li class="sim-slot-block" data-standout-type="${slot}"><h3>${SLOT_LABEL[slot]}</h3><ul>${card}</ul></li>`;
}

/** A card in the 2025–26 layout: the same `data-testid` structure as the real page. */
export function currentCard({ car, slot }: PageEntry, position: number, page: number, placement: SlotMarkerPlacement = 'inside'): string {
  const href = escape(detailHref(car, slot, page));
  const badges = [
    car.priceIndicator ? `<li data-testid="pi_${car.priceIndicator}">${car.priceIndicator[0]!.toUpperCase()}${car.priceIndicator.slice(1)} price</li>` : '',
    `<li data-testid="mileage">${miles(car.mileage)}</li>`,
    `<li data-testid="registered_year">${car.year} (${car.plate} reg)</li>`,
  ].join('');
  const card = `<li id="id-${car.advertId}" data-testid="id-${car.advertId}" data-advertid="${car.advertId}" class="${slot ? 'sim-slot' : 'sim-card'}"><div id="${car.advertId}">${insideMarker(
    slot,
    placement,
  )}<div data-testid="advertCard-${position}">${car.sellerType === 'private' ? '<div data-testid="private-seller">Private seller</div>' : ''}<div data-testid="carousel-images"><a href="${href}" data-testid="carousel-image-1"><img src="/media/${car.advertId}-1.jpg" alt=""></a></div><section><div><a data-testid="search-listing-title" href="${href}">${escape(`${car.make} ${car.model}`)}<span class="visually-hidden">${escape(car.subtitle)}, ${money(car.price)}</span></a><p data-testid="search-listing-subtitle">${escape(car.subtitle)}</p><p data-testid="search-listing-attention-grabber">${escape(car.attentionGrabber)}</p></div><ul data-testid="badges-container">${badges}</ul></section><div><div><span>${money(car.price)}</span></div><div><span data-testid="search-listing-location"><span>${escape(car.town)} (${car.distanceMiles} miles)</span></span>${
    car.dealerRating !== null ? `<div><p>${car.dealerRating.toFixed(1)}</p></div>` : ''
  }</div></div></div></div></li>`;
  return placed(card, slot, placement);
}

/** A card in the 2023–24 layout: `h3` title, positional `search-listing-specs`, seller block. */
export function legacyCard({ car, slot }: PageEntry, _position: number, page: number, placement: SlotMarkerPlacement = 'inside'): string {
  const href = escape(detailHref(car, slot, page));
  const seller = car.sellerType === 'private' ? 'Private seller' : `${car.town} Motors See all 42 cars`;
  const card = `<li class="search-page__result"><article data-testid="advertCard">${insideMarker(slot, placement)}<a href="${href}"><h3>${escape(
    `${car.make} ${car.model}`,
  )}</h3></a><p data-testid="search-listing-subtitle">${escape(car.subtitle)}</p><div data-testid="search-listing-price">${money(car.price)}</div><ul data-testid="search-listing-specs"><li>${car.year} (${car.plate} reg)</li><li>${escape(car.bodyType)}</li><li>${miles(
    car.mileage,
  )}</li><li>${escape(car.subtitle.split(' ')[0]!)}L</li><li>${car.transmission}</li><li>${car.fuelType}</li></ul><div data-testid="search-listing-seller">${escape(seller)}</div><span data-testid="search-listing-location"><span class="visually-hidden">Dealer location</span> ${escape(car.town)} (${car.distanceMiles} miles)</span></article></li>`;
  return placed(card, slot, placement);
}

export interface ResultsPageOptions {
  title: string;
  resultCount: number;
  entries: PageEntry[];
  page: number;
  layout: 'current' | 'legacy';
  /**
   * Client-side time from the script's start until skeletons are replaced by real cards (current
   * layout): the SPA booting and rendering, overlapping its gateway call when it makes one.
   */
  renderDelayMs: number;
  /** The SPA loads its cards' data from the gateway (as on the real site); false: the data is in the page. */
  gatewayCall: boolean;
  showConsent: boolean;
  slotMarkers: SlotMarkerPlacement;
}

const SPA_VERSION = 'sim-2026.12';
/** The search page's data call: its filters from the page URL, `price_search_type` as the real SPA sends it. */
const GATEWAY_CALL = `(function () {
  var query = new URLSearchParams(location.search);
  var names = [['postcode', 'postcode'], ['distance', 'radius'], ['make', 'make'], ['model', 'model'], ['fuel_type', 'fuel-type'], ['transmission', 'transmission'], ['min_year_manufactured', 'year-from']];
  var filters = names.filter(function (n) { return query.get(n[1]); }).map(function (n) { return { filter: n[0], selected: [query.get(n[1])] }; });
  filters.push({ filter: 'price_search_type', selected: ['total'] });
  var operation = { operationName: '${GATEWAY_OPERATION}', variables: { filters: filters, channel: 'cars', page: Number(query.get('page') || 1), sortBy: query.get('sort') || 'relevance', listingType: null, searchId: 'sim' }, query: 'query ${GATEWAY_OPERATION} { searchResults { listings page } }' };
  return fetch('${GATEWAY_PATH}?opname=${GATEWAY_OPERATION}', { method: 'POST', headers: { 'content-type': 'application/json', 'x-sauron-app-name': 'sauron-search-results-app', 'x-sauron-app-version': window.AT_SPA_JS_CONFIG.appVersion }, body: JSON.stringify([operation]) }).then(function (response) { return response.json(); });
})()`;

const SKELETONS = Array.from({ length: 10 }, (_, i) => `<li class="skeleton"><div data-testid="skeleton-advertCard-${i}"></div></li>`).join('');

export function resultsPage(options: ResultsPageOptions): string {
  const count = `<span data-testid="search-result-count">${options.resultCount.toLocaleString('en-GB')} results</span><p>Ads may appear higher in results based on popularity, quality and paid-for visibility.</p>`;
  const consent = options.showConsent
    ? `<div id="sp_message_container_1170" style="position:fixed;inset:0;z-index:1000;background:rgba(0,0,0,.4)"><iframe id="sp_message_iframe_1170" title="SP Consent Message" src="/privacy-mgmt/message" style="width:600px;height:300px;border:0;background:#fff"></iframe></div>`
    : '';
  if (options.layout === 'legacy') {
    const cards = options.entries.map((entry, i) => legacyCard(entry, i, options.page, options.slotMarkers)).join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(options.title)}</title></head><body><main>${count}<section data-testid="trader-seller-listing"><ul>${cards}</ul></section><p data-testid="pagination-show">Page ${options.page}</p></main>${consent}</body></html>`;
  }
  const cards = JSON.stringify(options.entries.map((entry, i) => currentCard(entry, i, options.page, options.slotMarkers))).replace(/</g, '\\u003c');
  // Like the real SPA: skeleton placeholders first, the cards once the data has arrived and rendered.
  // The cards' markup ships in the page; the gateway answer carries the same adverts as JSON.
  const data = options.gatewayCall ? GATEWAY_CALL : 'Promise.resolve()';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(options.title)}</title><script>window.AT_SPA_JS_CONFIG = { appVersion: '${SPA_VERSION}' };</script></head><body><div id="app">${count}<section data-testid="desktop-search"><div class="infinite-scroll-component__outerdiv"><div class="infinite-scroll-component"><ul id="results">${SKELETONS}</ul></div></div></section></div>${consent}<script>
Promise.all([${data}, new Promise(function (resolve) { setTimeout(resolve, ${options.renderDelayMs}); })]).then(function () {
  document.getElementById('results').innerHTML = ${cards}.join('');
});
</script></body></html>`;
}

export function challengePage(): string {
  return `<!doctype html><html lang="en-US"><head><title>Just a moment...</title><meta name="robots" content="noindex,nofollow"></head><body><div class="main-wrapper"><h1>www.autotrader.co.uk</h1><p>Verifying you are human. This may take a few seconds.</p><div id="turnstile-wrapper"><iframe src="https://challenges.cloudflare.com/cdn-cgi/challenge-platform/h/b/turnstile/if/ov2/av0/rcv/sim" title="Widget containing a Cloudflare security challenge"></iframe></div></div></body></html>`;
}

export function consentMessagePage(): string {
  return `<!doctype html><html><head><title>SP Consent Message</title></head><body><p class="message-component">We and our partners use cookies to personalise content and ads.</p><button class="message-component sp_choice_type_13" title="Reject All">Reject All</button><button class="message-component sp_choice_type_11" title="Accept All">Accept All</button><script>
for (const button of document.querySelectorAll('button')) {
  button.addEventListener('click', function () {
    fetch('/privacy-mgmt/choice?accept=' + (button.title === 'Accept All'), { method: 'POST' }).then(function () {
      var container = parent.document.querySelector('[id^="sp_message_container_"]');
      if (container) container.remove();
    });
  });
}
</script></body></html>`;
}
