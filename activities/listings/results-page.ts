import type { BrowserContext, Page, Response } from 'playwright-core';
import { parseSearchResults } from '../../clients/autotrader/card-parser';
import { isGatewaySearchRequest, parseGatewayResponse } from '../../clients/autotrader/gateway-parser';
import type { ParsedResultsPage } from '../../clients/autotrader/listing';
import { detectBotChallenge, TURNSTILE_SELECTOR } from '../../clients/autotrader/challenge';
import { scrapeChallengesTotal } from '../../platform/metrics';
import { parseRetryAfter } from '../../clients/http/rate-limit-policy';

export class BotChallengeError extends Error {
  override name = 'BotChallengeError';
}

export class ResultsPageError extends Error {
  override name = 'ResultsPageError';
  constructor(
    message: string,
    readonly status: number | null,
    /** The wait a 429 or 503 named in Retry-After, if any. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

// Browser-side expressions (strings: this code is type-checked without the DOM library).
const CHALLENGE_SIGNALS = `({ title: document.title, hasTurnstile: document.querySelector(${JSON.stringify(TURNSTILE_SELECTOR)}) !== null })`;
export const CARDS_OR_NO_RESULTS = `document.querySelector('li[data-advertid], [data-testid="advertCard"]') !== null ||
  /^\\s*0 results/.test(document.querySelector('[data-testid="search-result-count"]')?.textContent ?? '')`;
export const RESULTS_MARKUP = `(() => {
  const body = document.body.cloneNode(true);
  for (const node of body.querySelectorAll('script, style, noscript, svg, iframe')) node.remove();
  return body.outerHTML;
})()`;

/** Nothing the readers need: adverts come from the gateway JSON or the markup, never from pixels or styles. */
export const BLOCKED_RESOURCE_TYPES = new Set(['image', 'font', 'media', 'stylesheet', 'manifest', 'texttrack']);

/** A browser context for one model run: images, fonts, media and styles blocked; consent cookies pre-set if asked. */
export async function prepareContext(context: BrowserContext, baseUrl: string, presetConsent: boolean): Promise<void> {
  await context.route('**/*', (route) =>
    BLOCKED_RESOURCE_TYPES.has(route.request().resourceType()) ? route.abort('blockedbyclient') : route.fallback(),
  );
  if (presetConsent) {
    // Reported to keep the Sourcepoint CMP from loading at all.
    await context.addCookies([
      { name: 'acceptATCookies', value: 'true', url: baseUrl },
      { name: 'atwv', value: '1', url: baseUrl },
    ]);
  }
}

/**
 * Opens one results page and reads its adverts. The search SPA loads them from its gateway
 * (`POST /at-gateway?opname=SearchResultsListingsGridQuery`); when that answer arrives and reads as a
 * search result, it is used as is — no wait for the cards to render, no markup read back. When the
 * page makes no such call (data shipped in the page, the older layout) or its answer cannot be read,
 * the rendered cards are parsed instead: waits for real cards (`li[data-advertid]`, or the older
 * `advertCard`), or for "0 results" — never for network idle, which analytics keep from settling.
 * Throws BotChallengeError on a Cloudflare challenge and ResultsPageError on an HTTP error or when no
 * cards appear in time.
 */
export async function loadResultsPage(page: Page, url: string, options: { timeoutMs: number; baseUrl: string }): Promise<ParsedResultsPage> {
  const pageNumber = Number(new URL(url).searchParams.get('page') ?? 1);
  let gatewayAnswered: (body: unknown) => void = () => undefined;
  const gatewayBody = new Promise<unknown>((resolve) => (gatewayAnswered = resolve));
  const onResponse = (response: Response) => {
    const request = response.request();
    // A body that is not JSON reads as null, which is no search result: the cards are read instead.
    if (isGatewaySearchRequest(response.url(), request.method(), request.postData(), pageNumber)) gatewayAnswered(response.json().catch(() => null));
  };
  page.on('response', onResponse);
  try {
    const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: options.timeoutMs });
    const status = response?.status() ?? null;
    const { title, hasTurnstile } = await page.evaluate<{ title: string; hasTurnstile: boolean }>(CHALLENGE_SIGNALS);
    const challenge = detectBotChallenge({ status, headers: response?.headers() ?? {}, title, hasTurnstile });
    if (challenge) scrapeChallengesTotal.inc();
    if (challenge) throw new BotChallengeError(`bot challenge on ${url}: ${challenge}`);
    if (status !== null && status >= 400) {
      throw new ResultsPageError(`HTTP ${status} for ${url}`, status, parseRetryAfter(response?.headers()['retry-after'] ?? null, Date.now()));
    }
    const cardsShown = page.waitForFunction(CARDS_OR_NO_RESULTS, undefined, { timeout: options.timeoutMs, polling: 50 });
    // Whichever comes first; the loser is left to settle on its own (the next navigation ends it).
    cardsShown.catch(() => undefined);
    const first = await Promise.race([gatewayBody.then((body) => ({ body })), cardsShown.then(() => null, () => null)]);
    const fromGateway = first ? readGatewayAnswer(first.body, options.baseUrl) : null;
    if (fromGateway) {
      await acceptConsentIfShown(page);
      return fromGateway;
    }
    try {
      await cardsShown;
    } catch (error) {
      throw new ResultsPageError(`no result cards within ${options.timeoutMs} ms on ${url}: ${(error as Error).message.split('\n')[0]}`, status);
    }
    await acceptConsentIfShown(page);
    return parseSearchResults(await page.evaluate<string>(RESULTS_MARKUP), { baseUrl: options.baseUrl });
  } finally {
    page.off('response', onResponse);
  }
}

/** The gateway's answer as a results page, or null when it is no search result (then the cards are read). */
function readGatewayAnswer(body: unknown, baseUrl: string): ParsedResultsPage | null {
  try {
    return parseGatewayResponse(body, { baseUrl });
  } catch {
    return null;
  }
}

/** Clicks "Accept All" in the Sourcepoint consent iframe when the banner is on the page. */
export async function acceptConsentIfShown(page: Page): Promise<boolean> {
  const frameElement = await page.$('iframe[id^="sp_message_iframe_"], iframe[title="SP Consent Message"]');
  const frame = await frameElement?.contentFrame();
  if (!frame) return false;
  await frame.locator('button[title="Accept All"], button.sp_choice_type_11').first().click({ timeout: 5_000 });
  await page
    .waitForSelector('[id^="sp_message_container_"]', { state: 'detached', timeout: 5_000 })
    .catch(() => undefined);
  return true;
}
