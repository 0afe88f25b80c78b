import { CancellationScope, isCancellation, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DealActivities, DealAnalysis } from '../../activities/listings/deal-activities';
import type { ScrapeRunActivities } from '../../activities/listings/run-activities';
import type { ListingScrapeActivities, ScrapeModelResult } from '../../activities/listings/scrape-activity';
import { retryPolicy } from '../../temporal/retry-profiles';
import { rootCauseMessage } from '../../temporal/root-cause';
import { activityTaskQueue } from '../task-queues';

export interface ScrapeModelWorkflowInput {
  make: string;
  model: string;
  /** Stop after this many listings (null: every page up to the site's 100-page cap). */
  maxResults?: number | null;
  /** Politeness delay between pages in seconds; null: the workers' SCRAPING_DELAY. */
  delaySeconds?: number | null;
}

export interface ScrapeModelWorkflowResult extends ScrapeModelResult, DealAnalysis {
  runId: number;
}

const bookkeeping = () =>
  proxyActivities<ScrapeRunActivities & DealActivities>({
    taskQueue: activityTaskQueue('http'),
    startToCloseTimeout: '2 minutes',
    retry: retryPolicy('bookkeeping'),
  });

/**
 * The deal-alert webhook: transient failures are retried with backoff, as for any external API, but
 * a bounded number of times: a receiver that stays down must not hold the scrape open, and its alerts
 * stay pending for the next run's delivery.
 */
const alertDelivery = () =>
  proxyActivities<DealActivities>({
    taskQueue: activityTaskQueue('http'),
    // MAX_ALERTS_PER_DELIVERY POSTs at the webhook timeout each.
    startToCloseTimeout: '5 minutes',
    retry: retryPolicy('sourcePage', [], { maximumAttempts: 8 }),
  });

const browser = () =>
  proxyActivities<ListingScrapeActivities>({
    taskQueue: activityTaskQueue('browser'),
    // 100 pages at the 2 s politeness delay plus page loads, and the wait for a free scraper slot.
    startToCloseTimeout: '2 hours',
    // Heartbeats come every page and every 2 s while a page loads: a dead worker is noticed within 10 s.
    heartbeatTimeout: '10 seconds',
    // A bot challenge sets its own, much longer, doubling delay (nextRetryDelay) on top of this.
    retry: retryPolicy('browserScrape', ['UnknownModel']),
  });

/**
 * One make and model: open a scrape run, scrape every result page (the browser activity stores
 * listings as it goes and resumes from its heartbeat on retry), value the model's listings, then
 * deliver the pending deal alerts (this run's and any earlier run left). Only ids and counts pass
 * through here.
 */
export async function scrapeModelWorkflow(input: ScrapeModelWorkflowInput): Promise<ScrapeModelWorkflowResult> {
  const { startScrapeRun, finishScrapeRun, analyseModelDeals } = bookkeeping();
  const { scrapeModelListings } = browser();
  const maxResults = input.maxResults ?? null;
  const runId = await startScrapeRun({ make: input.make, model: input.model, workflowId: workflowInfo().workflowId, maxResults });
  let result: ScrapeModelWorkflowResult;
  try {
    const scraped = await scrapeModelListings({ runId, make: input.make, model: input.model, maxResults, delaySeconds: input.delaySeconds ?? null });
    const analysis = await analyseModelDeals({ runId, make: input.make, model: input.model });
    await finishScrapeRun({ runId, status: 'succeeded', stopReason: scraped.stopReason });
    result = { runId, ...scraped, ...analysis };
  } catch (error) {
    const cancelled = isCancellation(error);
    await CancellationScope.nonCancellable(() =>
      finishScrapeRun({ runId, status: cancelled ? 'cancelled' : 'failed', error: cancelled ? 'cancelled' : rootCauseMessage(error) }),
    );
    throw error;
  }
  // Runs recorded before the outbox sent alerts inside the analysis and have no delivery step.
  if (patched('deal-alert-outbox')) await deliverDealAlertsQuietly();
  return result;
}

/**
 * A webhook still down after the retries does not fail the scrape: its alerts stay pending (with the
 * reason) for the next run's delivery.
 */
async function deliverDealAlertsQuietly(): Promise<void> {
  try {
    let delivery = await alertDelivery().deliverDealAlerts();
    // One delivery posts at most 25 alerts: a run that raised more delivers again while that makes
    // progress, rather than leaving the rest to some later run (another deliverer may hold the rest).
    if (patched('deal-alert-delivery-drains')) {
      while (delivery.pending > 0 && delivery.sent + delivery.failed > 0) delivery = await alertDelivery().deliverDealAlerts();
    }
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('deal alerts left pending for the next delivery', { error: rootCauseMessage(error) });
  }
}
