import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ConflictError, InvalidRequestError, UnavailableError } from '../../domain/errors';
import { findFleetModel, type FleetModel } from '../../domain/listings/fleet';
import { runningScrapeRuns, scrapeRunHistory, type ScrapeRunRow } from '../../stores/listings/scrape-runs';
import { listingTablesStatus } from '../../stores/listings/deal-queries';
import { searchAttributes } from '../../temporal/search-attributes';
import { scrapeModelWorkflowId } from '../../workflows/listings/ids';
import type { scrapeModelWorkflow } from '../../workflows/listings/scrape-model';
import type { ListingServiceDependencies } from './dependencies';

/** The fleet model named, or InvalidRequestError (400) naming the `model` field. */
export function requireFleetModel(make: string, model: string): FleetModel {
  const found = findFleetModel(make, model);
  if (!found) throw new InvalidRequestError(`unknown model: ${make} ${model} is not in the fleet`, { field: 'model' });
  return found;
}

/**
 * Starts one model's scrape under the model's fixed workflow id, so a second start (from the API, the
 * sandbox seeder or a batch) while one runs is refused by Temporal itself: ConflictError (409) with
 * the running workflow's id.
 */
export async function startModelScrape(
  deps: Pick<ListingServiceDependencies, 'temporal' | 'queues'>,
  model: FleetModel,
  options: { maxResults: number | null; delaySeconds?: number | null },
): Promise<string> {
  const workflowId = scrapeModelWorkflowId(model.make, model.model);
  try {
    await deps.temporal.workflow.start<typeof scrapeModelWorkflow>('scrapeModelWorkflow', {
      workflowId,
      taskQueue: deps.queues.workflows,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ make: model.make, model: model.model, maxResults: options.maxResults, delaySeconds: options.delaySeconds ?? null }],
      typedSearchAttributes: searchAttributes({ source: 'autotrader', make: model.make, model: model.model }),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ConflictError(`a scrape of this model is already running (workflow ${workflowId})`, { workflow_id: workflowId });
    }
    throw error;
  }
  return workflowId;
}

export function runningScrapes(deps: Pick<ListingServiceDependencies, 'db'>): Promise<ScrapeRunRow[]> {
  return runningScrapeRuns(deps.db);
}

export function scrapeHistory(
  deps: Pick<ListingServiceDependencies, 'db'>,
  query: { make?: string; model?: string; limit: number; page: number },
): Promise<{ runs: ScrapeRunRow[]; total: number }> {
  return scrapeRunHistory(deps.db, { make: query.make, model: query.model, limit: query.limit, offset: (query.page - 1) * query.limit });
}

/** Row counts of the listing tables and the latest activity; UnavailableError (503) when the database is not answering. */
export async function listingDatabaseStatus(deps: Pick<ListingServiceDependencies, 'db'>) {
  try {
    return await listingTablesStatus(deps.db);
  } catch (error) {
    throw new UnavailableError(`database unavailable: ${(error as Error).message}`);
  }
}
