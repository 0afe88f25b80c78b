import type { Client } from '@temporalio/client';
import { Gauge } from 'prom-client';
import { withTimeout } from './health-components';

/** Closed workflow executions that did not complete, as Temporal's visibility counts them. */
const UNSUCCESSFUL_STATUSES = { failed: 'Failed', timed_out: 'TimedOut' } as const;

/**
 * Workflow failures for /metrics, read from Temporal's visibility on every scrape, so they cover
 * every worker process and survive restarts (executions are counted within the namespace's retention;
 * dashboards chart its increase). Not registered anywhere: the API adds it to its own registry.
 */
export function workflowFailureGauge(client: Client): Gauge {
  return new Gauge({
    name: 'prospector_workflow_failures',
    help: 'Closed workflow executions that failed or timed out, within the namespace retention',
    labelNames: ['status'],
    registers: [],
    async collect() {
      const counts = await Promise.all(
        Object.entries(UNSUCCESSFUL_STATUSES).map(async ([label, status]) => {
          const answer = await withTimeout(client.workflow.count(`ExecutionStatus="${status}"`), 'Temporal').catch(() => undefined);
          return [label, answer?.count] as const;
        }),
      );
      this.reset();
      for (const [status, count] of counts) if (count !== undefined) this.set({ status }, count);
    },
  });
}
