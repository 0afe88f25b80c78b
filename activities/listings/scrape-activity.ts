import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { BrowserContext, Page } from 'playwright-core';
import type { SearchCriteria } from '../../clients/autotrader/search-url';
import { withKeySpecsToStore } from '../../clients/autotrader/stored-key-specs';
import { findFleetModel } from '../../domain/listings/fleet';
import { saveRejectedRecords } from '../../platform/rejects';
import type { ActivityDependencies } from '../dependencies';
import { advertIdsOfRun, storeListingsPage } from '../../stores/listings/listing-store';
import { recordRunProblem, recordRunProgress, scrapeRunTotals, type ScrapeRunTotals } from '../../stores/listings/scrape-runs';
import { firstLine } from './failures';
import { autotraderListingsScraped, autotraderPagesScraped } from './metrics';
import { pageThroughResults, type PagingCursor, type StopReason } from './paging';
import { prepareContext } from './results-page';
import { acquireScraperSlot } from './scraper-slots';
import { pruneScreenshots, saveFailureScreenshot, screenshotDir } from './screenshots';

export interface ScrapeModelInput {
  runId: number;
  make: string;
  model: string;
  maxResults: number | null;
  /** Overrides SCRAPING_DELAY for this run (seconds), e.g. for the sandbox's start-up scrapes. */
  delaySeconds: number | null;
}

export interface ScrapeModelResult extends ScrapeRunTotals {
  stopReason: StopReason;
}

/** Keeps the heartbeat (and so cancellation delivery) alive while a page loads or a slot is awaited. */
const HEARTBEAT_TICK_MS = 2_000;

/** The browser-queue activity: one model's search, every page stored in PostgreSQL as it is read. */
export function createListingScrapeActivities({ settings, db, browsers }: ActivityDependencies) {
  const baseUrl = settings.AUTOTRADER_BASE_URL;
  const screenshots = screenshotDir(settings.DATA_DIR);

  return {
    async scrapeModelListings(input: ScrapeModelInput): Promise<ScrapeModelResult> {
      const context = Context.current();
      const fleetModel = findFleetModel(input.make, input.model);
      if (!fleetModel) {
        throw ApplicationFailure.create({ type: 'UnknownModel', message: `${input.make} ${input.model} is not in the fleet`, nonRetryable: true });
      }
      const resumed = context.info.heartbeatDetails as PagingCursor | undefined;
      let cursor: PagingCursor = resumed ?? { nextPage: 1 };
      const heartbeat = () => context.heartbeat(cursor);
      const ticker = setInterval(heartbeat, HEARTBEAT_TICK_MS);
      let browserContext: BrowserContext | undefined;
      let page: Page | undefined;
      // On cancellation the context closes at once; the pending navigation then fails and we stop.
      const closeOnCancel = () => void browserContext?.close().catch(() => undefined);
      context.cancellationSignal.addEventListener('abort', closeOnCancel, { once: true });
      const slot = await acquireScraperSlot(db, settings.MAX_CONCURRENT_SCRAPERS, { signal: context.cancellationSignal, onWait: heartbeat }).catch(
        (error) => {
          clearInterval(ticker);
          throw context.cancellationSignal.aborted ? new CancelledFailure('cancelled while waiting for a scraper slot') : error;
        },
      );
      try {
        await pruneScreenshots(screenshots, settings.AUTOTRADER_SCREENSHOT_RETENTION_DAYS);
        browserContext = await (await browsers.browser()).newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
        if (context.cancellationSignal.aborted) closeOnCancel();
        await prepareContext(browserContext, baseUrl, settings.AUTOTRADER_PRESET_CONSENT);
        page = await browserContext.newPage();
        const seen = resumed ? await advertIdsOfRun(db, input.runId) : new Set<string>();
        const criteria: SearchCriteria = {
          make: fleetModel.make,
          model: fleetModel.model,
          postcode: settings.AUTOTRADER_POSTCODE,
          radiusMiles: settings.AUTOTRADER_RADIUS_MILES,
          fuelType: settings.AUTOTRADER_FUEL_TYPE,
          transmission: settings.AUTOTRADER_TRANSMISSION,
          yearFrom: settings.AUTOTRADER_YEAR_FROM,
        };
        const outcome = await pageThroughResults({
          page,
          baseUrl,
          criteria,
          cursor,
          seen,
          maxResults: input.maxResults,
          delayMs: (input.delaySeconds ?? settings.SCRAPING_DELAY) * 1000,
          timeoutMs: settings.AUTOTRADER_PAGE_TIMEOUT_MS,
          sleep: (ms) => context.sleep(ms),
          onPage: async ({ pageNumber, fresh, parsed }) => {
            const stored = await storeListingsPage(
              db,
              { runId: input.runId, make: fleetModel.make, model: fleetModel.model },
              fresh.map((listing) => withKeySpecsToStore(listing, criteria)),
            );
            await saveRejectedRecords(
              db,
              parsed.rejected.map((card) => ({
                source: 'autotrader',
                entity: 'listing',
                externalId: card.advertId,
                reason: card.reason,
                payload: card.html,
                jobRef: context.info.workflowExecution?.workflowId ?? null,
              })),
            );
            await recordRunProgress(db, input.runId, { pages: pageNumber, stored, rejectedCards: parsed.rejected.length });
            autotraderPagesScraped.inc();
            autotraderListingsScraped.inc({ kind: 'new' }, stored.inserted);
            autotraderListingsScraped.inc({ kind: 'updated' }, stored.updated);
            cursor = { nextPage: pageNumber + 1 };
            heartbeat();
          },
        });
        return { ...(await scrapeRunTotals(db, input.runId)), stopReason: outcome.stopReason };
      } catch (error) {
        if (context.cancellationSignal.aborted) throw new CancelledFailure('model scrape cancelled; browser context closed');
        // The run's own record of each attempt; the workers' interceptor types the failure (failures.ts).
        const shot = page && !page.isClosed() ? await saveFailureScreenshot(page, screenshots, `${fleetModel.make}-${fleetModel.model}-page${cursor.nextPage}`) : null;
        await recordRunProblem(db, input.runId, { error: `attempt ${context.info.attempt}: ${firstLine(error)}`, screenshot: shot });
        throw error;
      } finally {
        clearInterval(ticker);
        context.cancellationSignal.removeEventListener('abort', closeOnCancel);
        await browserContext?.close().catch(() => undefined);
        await slot.release();
      }
    },
  };
}

export type ListingScrapeActivities = ReturnType<typeof createListingScrapeActivities>;
