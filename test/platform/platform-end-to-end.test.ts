import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createPool } from '../../platform/database';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { recordHistory } from '../support/history-fixtures';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';

describe('platform end to end (real Temporal dev server, real PostgreSQL, real Chromium)', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let workers: TestWorkers;
  const queues = uniqueQueues('platform');

  before(async () => {
    database = await createTestDatabase('platform');
    temporal = await connectTestTemporal();
    workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues });
  });
  after(async () => {
    await workers?.stop();
    await temporal?.teardown();
    await database?.drop();
  });

  const health = async (api: ReturnType<typeof createTestApi>) => {
    const response = await api.app.request('/api/health');
    return { httpStatus: response.status, ...((await response.json()) as { data: any }).data };
  };

  it('runs a workflow through the workflow, HTTP and browser workers', async () => {
    const api = createTestApi({ db: database.db, client: temporal.client, queues });
    const { status, body } = await api.json('/api/platform/self-test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ include_browser: true }),
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.ok(body.data.database_round_trip_ms >= 0);
    assert.match(body.data.browser_version, /^\d+\./);
    const described = await temporal.client.workflow.getHandle(body.data.workflow_id).describe();
    assert.equal(described.status.name, 'COMPLETED');
    assert.equal(described.taskQueue, queues.workflows);
    await recordHistory(temporal.client, body.data.workflow_id, 'platform-self-test');
  });

  it('reports healthy with every component while everything runs', async () => {
    const api = createTestApi({ db: database.db, client: temporal.client, queues });
    const report = await health(api);
    assert.equal(report.status, 'healthy', JSON.stringify(report.components));
    assert.deepEqual(report.summary, { total: 7, healthy: 7, degraded: 0, down: 0, unknown: 0 });
    assert.ok(report.components.database.response_time_ms >= 0);
  });

  it('reports down (503) when the database is unreachable', async () => {
    const unreachable = createPool('postgres://postgres@127.0.0.1:1/none', { max: 1 });
    try {
      const api = createTestApi({ db: unreachable, client: temporal.client, queues });
      const report = await health(api);
      assert.equal(report.httpStatus, 503);
      assert.equal(report.status, 'down');
      assert.equal(report.components.database.status, 'down');
    } finally {
      await unreachable.end();
    }
  });

  it('turns degraded when the browser worker stops, and the workers component down when all stop', async () => {
    const api = createTestApi({ db: database.db, client: temporal.client, queues });
    const browserWorker = workers.workers.find((worker) => worker.options.taskQueue === queues.browser)!;
    browserWorker.shutdown();
    await waitFor('the workers component to turn degraded', async () => (await health(api)).components.workers.status === 'degraded', { timeoutMs: 30_000, intervalMs: 250 });
    const degraded = await health(api);
    assert.equal(degraded.status, 'degraded');
    assert.match(degraded.components.workers.message, /browser/);

    await workers.stop();
    await waitFor('the workers component to turn down', async () => (await health(api)).components.workers.status === 'down', { timeoutMs: 30_000, intervalMs: 250 });
    const report = await health(api);
    assert.equal(report.status, 'degraded', 'workers are high priority, not critical');
    assert.equal(report.components.workers.status, 'down');
  });
});
