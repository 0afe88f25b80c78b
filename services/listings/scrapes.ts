import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ConflictError, InvalidRequestError, UnavailableError } from '../../domain/errors';
import { findFleetModel, type FleetModel } from '../../domain/listings/fleet';
import {
  findScrapeRun, finishScrapeRun, isNewestRunOfWorkflow, runningScrapeRuns, scrapeRunHistory, type ScrapeRunRow, type ScrapeRunStatus,
} from '../../stores/listings/scrape-runs';
import { listingTablesStatus } from '../../stores/listings/deal-queries';
import { scrapeModelMetadata } from '../../temporal/run-summaries';
import { searchAttributes } from '../../temporal/search-attributes';
import { type ClosedWorkflowStatus, type RowCheck, workflowOutcomeIfKnown } from '../../temporal/workflow-outcome';
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
      ...scrapeModelMetadata({ make: model.make, model: model.model, maxResults: options.maxResults }),
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

const RUN_STATUS_OF_WORKFLOW: Record<ClosedWorkflowStatus, ScrapeRunStatus> = {
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  terminated: 'failed',
  timed_out: 'failed',
};

type RunDependencies = Pick<ListingServiceDependencies, 'db' | 'temporal'>;

/**
 * The second line of defence of a scrape run's row: a run still `running` whose workflow has closed (or
 * is not known to Temporal) records how it ended, with the reason, and finished_at. A model's scrapes
 * share one workflow id, so only the model's newest row can belong to its newest run; an older row
 * still running belongs to a run that has ended. A workflow that runs, or a Temporal that does not
 * answer, leaves the row as it is.
 */
export async function reconcileScrapeRun(deps: RunDependencies, run: ScrapeRunRow): Promise<{ run: ScrapeRunRow; check: RowCheck }> {
  if (run.status !== 'running') return { run, check: 'settled' };
  const outcome = await workflowOutcomeIfKnown(deps.temporal, run.workflow_id);
  if (!outcome) return { run, check: 'unchecked' };
  const newest = await isNewestRunOfWorkflow(deps.db, { runId: run.run_id, workflowId: run.workflow_id });
  if (newest && outcome.state === 'running') return { run, check: 'live' };
  const end: { status: ScrapeRunStatus; error: string | null } =
    newest && outcome.state === 'closed'
      ? { status: RUN_STATUS_OF_WORKFLOW[outcome.status], error: outcome.error }
      : newest
        ? { status: 'failed', error: `its workflow ${run.workflow_id} is not known to Temporal` }
        : { status: 'failed', error: `a later scrape of ${run.make} ${run.model} started; this one ended without recording its end` };
  const recorded = await finishScrapeRun(deps.db, { runId: run.run_id, ...end });
  const current = (await findScrapeRun(deps.db, run.run_id)) ?? run;
  return { run: current, check: recorded ? 'reconciled' : current.status === 'running' ? 'live' : 'settled' };
}

/** Every running scrape run checked against its workflow. */
export async function reconcileRunningScrapeRuns(deps: RunDependencies): Promise<RowCheck[]> {
  const runs = await runningScrapeRuns(deps.db);
  return Promise.all(runs.map(async (run) => (await reconcileScrapeRun(deps, run)).check));
}

/** Runs not finished yet (each checked against its workflow first), oldest first. */
export async function runningScrapes(deps: RunDependencies): Promise<ScrapeRunRow[]> {
  await reconcileRunningScrapeRuns(deps);
  return runningScrapeRuns(deps.db);
}

/** A page of runs, newest first; the running ones are checked against their workflows first. */
export async function scrapeHistory(
  deps: RunDependencies,
  query: { make?: string; model?: string; limit: number; page: number; cursor?: string },
) {
  await reconcileRunningScrapeRuns(deps);
  return scrapeRunHistory(deps.db, { make: query.make, model: query.model }, { limit: query.limit, offset: (query.page - 1) * query.limit, cursor: query.cursor });
}

/** Row counts of the listing tables and the latest activity; UnavailableError (503) when the database is not answering. */
export async function listingDatabaseStatus(deps: Pick<ListingServiceDependencies, 'db'>) {
  try {
    return await listingTablesStatus(deps.db);
  } catch (error) {
    throw new UnavailableError(`database unavailable: ${(error as Error).message}`);
  }
}
