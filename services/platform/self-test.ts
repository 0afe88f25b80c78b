import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { UnavailableError } from '../../domain/errors';
import type { TaskQueues } from '../../platform/task-queues';
import { selfTestMetadata } from '../../temporal/run-summaries';
import { searchAttributes } from '../../temporal/search-attributes';
import type { platformSelfTestWorkflow, SelfTestResult } from '../../workflows/platform/self-test';

const SELF_TEST_TIMEOUT_MS = 60_000;

export interface SelfTestOutcome {
  workflowId: string;
  result: SelfTestResult;
  elapsedMs: number;
}

/**
 * Runs the self-test workflow through the workers to PostgreSQL (and Chromium when asked) and back.
 * A run that does not complete (no workers, Temporal down, an activity failing) is UnavailableError.
 */
export async function runSelfTest(
  deps: { temporal: Client; queues: TaskQueues },
  options: { includeBrowser: boolean; label?: string },
): Promise<SelfTestOutcome> {
  const workflowId = `platform-self-test:${options.label ?? randomUUID()}`;
  const started = performance.now();
  try {
    const result = await deps.temporal.workflow.execute<typeof platformSelfTestWorkflow>('platformSelfTestWorkflow', {
      workflowId,
      taskQueue: deps.queues.workflows,
      args: [{ includeBrowser: options.includeBrowser }],
      workflowExecutionTimeout: `${SELF_TEST_TIMEOUT_MS} milliseconds`,
      typedSearchAttributes: searchAttributes({ source: 'platform' }),
      ...selfTestMetadata({ includeBrowser: options.includeBrowser }),
    });
    return { workflowId, result, elapsedMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UnavailableError(`self-test did not complete: ${message}`, { workflow_id: workflowId });
  }
}
