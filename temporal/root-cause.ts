import { ApplicationFailure, TemporalFailure } from '@temporalio/common';

/**
 * What went wrong, in one line, for job rows, API answers and batch results: the innermost failure of
 * a Temporal failure chain ("BotChallenge: bot challenge on …"), not the wrapper's "Activity task
 * failed" or "Child Workflow execution failed". Workflow-safe: it only reads the error.
 */
export function rootCauseMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error && (current instanceof TemporalFailure || isWrapper(current))) {
    current = current.cause;
  }
  if (current instanceof ApplicationFailure && current.type && current.type !== 'Error') return `${current.type}: ${current.message}`;
  return current instanceof Error ? current.message : String(current);
}

/** Client-side wrappers (WorkflowFailedError and the like) that carry the workflow's failure as `cause`. */
function isWrapper(error: Error): boolean {
  return error.name === 'WorkflowFailedError' || error.name === 'WorkflowUpdateFailedError';
}
