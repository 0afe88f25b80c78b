import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { setCurrentDetails, startChild, workflowInfo } from '@temporalio/workflow';
import { rootCauseMessage } from '../../temporal/root-cause';
import { scrapeBatchCurrentDetails, scrapeModelMetadata } from '../../temporal/run-summaries';
import { searchAttributes } from '../../temporal/search-attributes';
import { forEachBounded } from '../../temporal/workflow-concurrency';
import { scrapeModelWorkflowId } from './ids';
import { scrapeModelWorkflow } from './scrape-model';

export interface ScrapeBatchInput {
  batchId: string;
  models: Array<{ make: string; model: string }>;
  /** Model scrapes of this batch running at once. */
  concurrency: number;
  maxResults?: number | null;
}

export interface ScrapeBatchResult {
  batchId: string;
  total: number;
  succeeded: number;
  failed: number;
  /** Already being scraped (by a manual run or another batch) when this batch reached it. */
  skipped: number;
  successRate: number;
  failures: Array<{ make: string; model: string; error: string }>;
}

/**
 * Scrapes a batch of models as child workflows, a few at a time. One model's failure does not
 * fail the batch: it is counted, and the batch reports its success rate.
 */
export async function scrapeBatchWorkflow(input: ScrapeBatchInput): Promise<ScrapeBatchResult> {
  const result: ScrapeBatchResult = { batchId: input.batchId, total: input.models.length, succeeded: 0, failed: 0, skipped: 0, successRate: 0, failures: [] };
  const inFlight = new Set<string>();
  /** The run's page in the Web UI: models done, failed and being scraped, rate, ETA. */
  const showProgress = () =>
    setCurrentDetails(
      scrapeBatchCurrentDetails({
        ...result, running: inFlight.size > 0 || result.succeeded + result.failed + result.skipped < result.total, inFlight: [...inFlight],
        startedAtMs: workflowInfo().startTime.getTime(), nowMs: Date.now(),
      }),
    );
  showProgress();
  await forEachBounded(input.models, input.concurrency, async (entry) => {
    const name = `${entry.make} ${entry.model}`;
    inFlight.add(name);
    showProgress();
    try {
      const maxResults = input.maxResults ?? null;
      const child = await startChild(scrapeModelWorkflow, {
        workflowId: scrapeModelWorkflowId(entry.make, entry.model),
        taskQueue: workflowInfo().taskQueue,
        args: [{ make: entry.make, model: entry.model, maxResults }],
        typedSearchAttributes: searchAttributes({ source: 'autotrader', make: entry.make, model: entry.model }),
        ...scrapeModelMetadata({ make: entry.make, model: entry.model, maxResults, batchId: input.batchId }),
      });
      await child.result();
      result.succeeded += 1;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        result.skipped += 1;
        return;
      }
      result.failed += 1;
      result.failures.push({ ...entry, error: rootCauseMessage(error) });
    } finally {
      inFlight.delete(name);
      showProgress();
    }
  });
  const attempted = result.succeeded + result.failed;
  result.successRate = attempted === 0 ? 1 : Math.round((result.succeeded / attempted) * 1000) / 1000;
  return result;
}
