import { type Client, WorkflowFailedError, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { logger } from '../platform/logger';
import { rootCauseMessage } from './root-cause';

/**
 * What became of a job's workflow, for the second line of defence of job state: a job row still
 * `pending`/`running` whose workflow has closed or vanished is given the workflow's real end by the
 * readers of job status (services/<pipeline>/), each kind mapping these outcomes onto its own statuses.
 * Not workflow code (it uses the client).
 */
export type ClosedWorkflowStatus = 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out';

export type WorkflowOutcome =
  | { state: 'running' }
  | { state: 'closed'; status: ClosedWorkflowStatus; error: string | null; closedAt: Date | null }
  | { state: 'not_found' };

/**
 * What a reader of a job row found: `settled` (the row had already ended), `live` (its workflow runs),
 * `reconciled` (its workflow had ended or vanished: the row now says how), `unchecked` (Temporal did not
 * answer: the row is left as it was).
 */
export type RowCheck = 'settled' | 'live' | 'reconciled' | 'unchecked';

/** How long a reader waits for Temporal before it answers with the row as stored. */
const OUTCOME_DEADLINE_MS = 3_000;

/** How an execution ended, from its description; null while its chain goes on (running, paused, continued as new). */
export function closedWorkflowStatus(description: Pick<WorkflowExecutionDescription, 'status'>): ClosedWorkflowStatus | null {
  switch (description.status.name) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    default:
      return null;
  }
}

/** How a closed chain ended, from what its result threw (undefined: it completed). */
export function closedStatusOfResult(error: unknown): ClosedWorkflowStatus {
  if (error === undefined) return 'completed';
  const cause = error instanceof WorkflowFailedError ? error.cause : error;
  if (cause instanceof TerminatedFailure) return 'terminated';
  if (cause instanceof TimeoutFailure) return 'timed_out';
  if (cause instanceof CancelledFailure) return 'cancelled';
  return 'failed';
}

const DEFAULT_TERMINATE_MESSAGE = 'Workflow execution terminated';

/** The one line a job row records for a closed workflow (null when it completed): the root cause, or how it was stopped. */
export function closedWorkflowMessage(status: ClosedWorkflowStatus, error: unknown): string | null {
  switch (status) {
    case 'completed':
      return null;
    case 'terminated': {
      const reason = rootCauseMessage(error);
      return reason && reason !== DEFAULT_TERMINATE_MESSAGE ? `workflow terminated: ${reason}` : 'workflow terminated';
    }
    case 'timed_out':
      return 'workflow timed out';
    case 'cancelled':
      return 'workflow cancelled';
    case 'failed':
      return rootCauseMessage(error);
  }
}

/**
 * The outcome of the workflow `workflowId` (its newest run, following continue-as-new). With `firstRunId`
 * (the chain a row belongs to), a newer chain under the same id means that chain has ended: its end is
 * read from its result. Errors other than "not found" (Temporal unreachable) are thrown: the caller
 * leaves the row as it is.
 */
export async function workflowOutcome(client: Client, workflowId: string, options: { firstRunId?: string } = {}): Promise<WorkflowOutcome> {
  let description: WorkflowExecutionDescription;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { state: 'not_found' };
    throw error;
  }
  const chain = description.raw.workflowExecutionInfo?.firstRunId;
  if (options.firstRunId && chain && chain !== options.firstRunId) return endOfChain(client, workflowId, options.firstRunId);
  const status = closedWorkflowStatus(description);
  if (!status) return { state: 'running' };
  const error = status === 'completed' ? undefined : await resultError(client, workflowId, description.runId, false);
  return { state: 'closed', status, error: closedWorkflowMessage(status, error), closedAt: description.closeTime ?? null };
}

async function endOfChain(client: Client, workflowId: string, firstRunId: string): Promise<WorkflowOutcome> {
  try {
    const error = await resultError(client, workflowId, firstRunId, true);
    const status = closedStatusOfResult(error);
    return { state: 'closed', status, error: closedWorkflowMessage(status, error), closedAt: null };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { state: 'not_found' };
    throw error;
  }
}

/** What the (closed) run's result throws, undefined when it completed; lookup failures are thrown. */
async function resultError(client: Client, workflowId: string, runId: string, followRuns: boolean): Promise<unknown> {
  try {
    await client.workflow.getHandle(workflowId, runId, { followRuns }).result();
    return undefined;
  } catch (error) {
    if (error instanceof WorkflowFailedError) return error;
    throw error;
  }
}

/** `workflowOutcome` within a few seconds; undefined (and a warning) when Temporal cannot tell now. */
export async function workflowOutcomeIfKnown(client: Client, workflowId: string, options: { firstRunId?: string } = {}): Promise<WorkflowOutcome | undefined> {
  try {
    return await client.withDeadline(Date.now() + OUTCOME_DEADLINE_MS, () => workflowOutcome(client, workflowId, options));
  } catch (error) {
    logger.warn({ workflowId, err: error }, 'could not read the outcome of a job workflow; its row is left as stored');
    return undefined;
  }
}
