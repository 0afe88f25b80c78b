import type { BrowserContext, Page } from 'playwright-core';
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

const BLOCKED_RESOURCES = new Set(['image', 'font', 'media']);

/** A browser context for one model run: images, fonts and media blocked; consent cookies pre-set if asked. */
export async function prepareContext(context: BrowserContext, baseUrl: string, presetConsent: boolean): Promise<void> {
  await context.route('**/*', (route) =>
    BLOCKED_RESOURCES.has(route.request().resourceType()) ? route.abort('blockedbyclient') : route.fallback(),
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
 * Opens one results page and returns its rendered results markup (scripts and styles removed).
 * Waits for real cards (`li[data-advertid]`, or the older `advertCard`), or for "0 results" —
 * never for network idle, which analytics keep from settling. Throws BotChallengeError on a
 * Cloudflare challenge and ResultsPageError on an HTTP error or when no cards appear in time.
 */
export async function loadResultsPage(page: Page, url: string, timeoutMs: number): Promise<string> {
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  const status = response?.status() ?? null;
  const { title, hasTurnstile } = await page.evaluate<{ title: string; hasTurnstile: boolean }>(CHALLENGE_SIGNALS);
  const challenge = detectBotChallenge({ status, headers: response?.headers() ?? {}, title, hasTurnstile });
  if (challenge) scrapeChallengesTotal.inc();
  if (challenge) throw new BotChallengeError(`bot challenge on ${url}: ${challenge}`);
  if (status !== null && status >= 400) {
    throw new ResultsPageError(`HTTP ${status} for ${url}`, status, parseRetryAfter(response?.headers()['retry-after'] ?? null, Date.now()));
  }
  try {
    await page.waitForFunction(CARDS_OR_NO_RESULTS, undefined, { timeout: timeoutMs, polling: 50 });
  } catch (error) {
    throw new ResultsPageError(`no result cards within ${timeoutMs} ms on ${url}: ${(error as Error).message.split('\n')[0]}`, status);
  }
  await acceptConsentIfShown(page);
  return page.evaluate<string>(RESULTS_MARKUP);
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
