import type { Page } from 'playwright-core';
import type { ParsedResultsPage, ScrapedListing } from '../../clients/autotrader/listing';
import { buildSearchUrl, MAX_RESULT_PAGES, type SearchCriteria } from '../../clients/autotrader/search-url';
import { loadResultsPage, ResultsPageError } from './results-page';

/**
 * A page met by a passing failure (a 5xx, a 429, no answer in time) is tried this many times in place
 * before the attempt fails: the scrape's few attempts are kept for what a retry from the cursor cures.
 */
export const PAGE_TRIES_IN_PLACE = 4;
const IN_PLACE_BACKOFF_MS = 2_000;
/** A longer Retry-After than this is left to the activity's retry (AutotraderFailures: a minute per attempt). */
const LONGEST_IN_PLACE_WAIT_MS = 30_000;

/** How long to wait before trying a page again in place, or null when the failure is not a passing one. */
export function inPlaceRetryDelayMs(error: unknown, failedTries: number): number | null {
  const backoffMs = IN_PLACE_BACKOFF_MS * 2 ** (failedTries - 1);
  if (error instanceof ResultsPageError) {
    const passing = error.status === null || error.status === 429 || error.status >= 500;
    if (!passing) return null;
    const waitMs = error.retryAfterMs ?? backoffMs;
    return waitMs <= LONGEST_IN_PLACE_WAIT_MS ? waitMs : null;
  }
  // Playwright's navigation timeout, or the connection failing under the browser.
  if (error instanceof Error && (error.name === 'TimeoutError' || /net::ERR_/.test(error.message))) return backoffMs;
  return null;
}

/** Where a model scrape is: small enough for a heartbeat. */
export interface PagingCursor {
  nextPage: number;
}

export type StopReason = 'no_new_adverts' | 'all_results_seen' | 'page_cap' | 'max_results' | 'no_results';

export interface PagingOptions {
  page: Page;
  baseUrl: string;
  criteria: SearchCriteria;
  cursor: PagingCursor;
  /** Advert ids already taken in this run (across pages and, after a resume, across attempts). */
  seen: Set<string>;
  maxResults: number | null;
  delayMs: number;
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
  /** Stores a page's new listings and records progress; called before the next page is requested. */
  onPage(page: { pageNumber: number; fresh: ScrapedListing[]; parsed: ParsedResultsPage }): Promise<void>;
}

/**
 * Pages through one search with `page=N` until a page brings no advert id not read before (the
 * site repeats its last page past the end), every result counted on the page has been seen, the
 * 100-page cap, or `maxResults`. Waits `delayMs` between pages.
 */
export async function pageThroughResults(options: PagingOptions): Promise<{ stopReason: StopReason; lastPage: number }> {
  const { seen } = options;
  // The "site repeats its last page" test compares with pages read by this attempt only: after a
  // resume, pages stored before the crash are read again and must not look like the end.
  const readThisAttempt = new Set<string>();
  for (let pageNumber = options.cursor.nextPage; ; pageNumber++) {
    if (pageNumber > MAX_RESULT_PAGES) return { stopReason: 'page_cap', lastPage: pageNumber - 1 };
    if (pageNumber > options.cursor.nextPage && options.delayMs > 0) await options.sleep(options.delayMs);
    const parsed = await loadWithTriesInPlace(options, buildSearchUrl(options.baseUrl, options.criteria, pageNumber));
    const newToAttempt = parsed.listings.filter((listing) => !readThisAttempt.has(listing.advertId)).length;
    for (const listing of parsed.listings) readThisAttempt.add(listing.advertId);
    let fresh = parsed.listings.filter((listing) => !seen.has(listing.advertId));
    if (options.maxResults !== null) fresh = fresh.slice(0, Math.max(0, options.maxResults - seen.size));
    for (const listing of fresh) seen.add(listing.advertId);
    await options.onPage({ pageNumber, fresh, parsed });

    if (parsed.listings.length === 0 && parsed.resultCount === 0) return { stopReason: 'no_results', lastPage: pageNumber };
    if (options.maxResults !== null && seen.size >= options.maxResults) return { stopReason: 'max_results', lastPage: pageNumber };
    if (newToAttempt === 0) return { stopReason: 'no_new_adverts', lastPage: pageNumber };
    if (parsed.resultCount !== null && seen.size >= parsed.resultCount) return { stopReason: 'all_results_seen', lastPage: pageNumber };
    if (pageNumber === MAX_RESULT_PAGES) return { stopReason: 'page_cap', lastPage: pageNumber };
  }
}

async function loadWithTriesInPlace(options: PagingOptions, url: string): Promise<ParsedResultsPage> {
  for (let failedTries = 1; ; failedTries++) {
    try {
      return await loadResultsPage(options.page, url, { timeoutMs: options.timeoutMs, baseUrl: options.baseUrl });
    } catch (error) {
      const delayMs = failedTries < PAGE_TRIES_IN_PLACE ? inPlaceRetryDelayMs(error, failedTries) : null;
      if (delayMs === null) throw error;
      await options.sleep(delayMs);
    }
  }
}
