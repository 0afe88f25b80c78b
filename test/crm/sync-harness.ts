import type { TestContext } from 'node:test';
import type { CrmSyncProgress } from '../../domain/crm/sync-progress';
import { freePort } from '../../platform/free-port';
import { type HighLevelSimulatorOptions, startHighLevelSimulator } from '../../simulators/highlevel/server';
import { saveCrmConfig } from '../../stores/crm/config';
import type { SyncLeadsToCrmInput, syncLeadsToCrmWorkflow } from '../../workflows/crm/sync-leads';
import { createTestApi } from '../support/api';
import { createTestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, uniqueQueues } from '../support/temporal';

export const RATE_MAX = 100;
export const RATE_INTERVAL_MS = 1000;

/**
 * Everything one CRM sync test uses, its own: database, HighLevel simulator, task queues and workers
 * (the Temporal dev server is the run's). Torn down when the test ends, so no test sees another's
 * leads, contacts, faults, token or workers.
 */
export async function startSyncHarness(
  t: TestContext,
  options: { env?: Record<string, string>; simulator?: Partial<HighLevelSimulatorOptions> } = {},
) {
  const database = await createTestDatabase('crm');
  const temporal = await connectTestTemporal();
  // One tenth of HighLevel's window (100 per 1 s instead of 10 s) keeps the test short; the logic is the same.
  const simulator = await startHighLevelSimulator({
    host: '127.0.0.1',
    port: await freePort(),
    latencyMs: 5,
    rateLimitMax: RATE_MAX,
    rateLimitIntervalMs: RATE_INTERVAL_MS,
    ...options.simulator,
  });
  const env = {
    HIGHLEVEL_BASE_URL: simulator.url,
    HIGHLEVEL_RATE_LIMIT_MAX: String(RATE_MAX),
    HIGHLEVEL_RATE_LIMIT_INTERVAL_MS: String(RATE_INTERVAL_MS),
    HIGHLEVEL_RATE_LIMIT_SAFETY_MS: '20',
    ...options.env,
  };
  const queues = uniqueQueues('crm');
  const startWorkers = () => startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
  let workers = await startWorkers();
  t.after(async () => {
    await workers.stop();
    await simulator.close();
    await temporal.teardown();
    await database.drop();
  });
  // The workers' key seals the token: they are the ones that read it.
  const configure = (apiToken: string) => saveCrmConfig(database.db, workers.secrets, { apiToken, locationId: simulator.locationId });
  await configure(simulator.token);

  const api = createTestApi({ db: database.db, client: temporal.client, queues, env });
  let runs = 0;
  return {
    db: database.db,
    temporal,
    queues,
    simulator,
    configure,
    /** Stops the workers (as a deploy or crash would) and starts new ones on the same queues. */
    async replaceWorkers(between: () => void) {
      await workers.stop();
      between();
      workers = await startWorkers();
    },
    syncStatus: async () => (await api.json('/api/summit/sync-status')).body.data,
    startSync: (leadIds: number[] = []) =>
      api.json('/api/leads/sync-to-summit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lead_ids: leadIds }) }),
    postSync: (body: string) => api.json('/api/leads/sync-to-summit', { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
    /** Runs the workflow directly, for the inputs the API does not offer (batch size, parallel batches). */
    runWorkflow: async (input: SyncLeadsToCrmInput) => {
      runs += 1;
      const workflowId = `crm-sync-test-${runs}-${Date.now()}`;
      const progress = await temporal.client.workflow.execute<typeof syncLeadsToCrmWorkflow>('syncLeadsToCrmWorkflow', {
        workflowId,
        taskQueue: queues.workflows,
        args: [input],
      });
      return { workflowId, progress };
    },
    finish: (workflowId: string) => temporal.client.workflow.getHandle(workflowId).result() as Promise<CrmSyncProgress>,
    /** How many times Temporal started each try of each activity of the workflow (1 = never retried). */
    activityAttempts: async (workflowId: string) => {
      const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
      const scheduled = new Map<string, string>();
      const attempts: { activity: string; attempt: number }[] = [];
      for (const event of history.events ?? []) {
        const schedule = event.activityTaskScheduledEventAttributes;
        if (schedule) scheduled.set(String(event.eventId), schedule.activityType?.name ?? '');
        const start = event.activityTaskStartedEventAttributes;
        if (start) attempts.push({ activity: scheduled.get(String(start.scheduledEventId)) ?? '', attempt: start.attempt ?? 0 });
      }
      return attempts;
    },
    leadRows: async (ids: number[]) =>
      (await database.db.query('SELECT id, sync_status, crm_contact_id, sync_error, synced_at FROM leads WHERE id = ANY($1::bigint[]) ORDER BY id', [ids])).rows,
  };
}
