import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

/**
 * Issue 10, second line of defence, for the job rows of every kind: a row still running whose workflow
 * has ended (terminated here) or is not known to Temporal shows the workflow's real end to its readers.
 * No worker polls these queues: the workflows stay open until the test ends them, and the rows are
 * written as their workflows' first activities would have written them.
 */
describe('job rows whose workflow ended without recording it (real Temporal, real PostgreSQL)', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let api: ReturnType<typeof createTestApi>;
  const queues = uniqueQueues('job-rows');
  const tag = randomBytes(4).toString('hex');
  const workflowsToStop: string[] = [];

  before(async () => {
    database = await createTestDatabase('job_rows');
    temporal = await connectTestTemporal();
    api = createTestApi({ db: database.db, client: temporal.client, queues });
  });
  after(async () => {
    for (const id of workflowsToStop) await temporal?.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await temporal?.teardown();
    await database?.drop();
  });

  /** Starts a workflow no worker will run, so it stays open until the test ends it. */
  async function openWorkflow(type: string, workflowId: string, args: unknown[]) {
    const handle = await temporal.client.workflow.start(type, { workflowId, taskQueue: queues.workflows, args });
    workflowsToStop.push(workflowId);
    return handle;
  }

  async function insertScrapeRun(workflowId: string): Promise<number> {
    const { rows } = await database.db.query<{ id: number }>(
      `INSERT INTO scrape_runs (make, model, workflow_id) VALUES ('BMW', '3 Series', $1) RETURNING id`,
      [workflowId],
    );
    return rows[0]!.id;
  }

  const scrapeRun = async (id: number) => (await database.db.query(`SELECT * FROM scrape_runs WHERE id = $1`, [id])).rows[0];
  const runningScrapeIds = async () => (await api.json('/api/scrape/status')).body.data.running.map((run: any) => run.run_id).sort();

  it('scrape runs: a terminated run ends failed with the reason, an unknown or superseded one too; a live one stays', async () => {
    const workflowId = `autotrader-scrape:test-${tag}:3-series`;
    const handle = await openWorkflow('scrapeModelWorkflow', workflowId, [{ make: 'BMW', model: '3 Series', maxResults: 20 }]);
    const older = await insertScrapeRun(workflowId);
    const live = await insertScrapeRun(workflowId);
    const unknown = await insertScrapeRun(`autotrader-scrape:test-${tag}:never-started`);

    assert.deepEqual(await runningScrapeIds(), [live], 'only the newest run of a running workflow is live');
    const superseded = await scrapeRun(older);
    assert.equal(superseded.status, 'failed');
    assert.match(superseded.errors.at(-1), /a later scrape of BMW 3 Series started/);
    const gone = await scrapeRun(unknown);
    assert.deepEqual([gone.status, gone.errors.at(-1)], ['failed', `its workflow autotrader-scrape:test-${tag}:never-started is not known to Temporal`]);
    assert.ok(gone.finished_at);

    await handle.terminate('simulated: the end of the scrape was never recorded');
    const history = await api.json('/api/scrape/history?make=BMW');
    const ended = history.body.data.runs.find((run: any) => run.run_id === live);
    assert.equal(ended.status, 'failed');
    assert.equal(ended.errors.at(-1), 'workflow terminated: simulated: the end of the scrape was never recorded');
    assert.ok(ended.finished_at);
    assert.deepEqual(await runningScrapeIds(), []);
  });

  it('CEPiK report jobs: a terminated run says how it was stopped', async () => {
    const workflowId = `cepik-lease-expiry:test-${tag}:2024-01-01:2024-02-29:bmw`;
    const handle = await openWorkflow('cepikLeaseExpiryReportWorkflow', workflowId, [
      { regionCode: '24', monthsBack: 36, windowMonths: 2, brands: ['BMW'], brandConcurrency: 1, maxAttempts: 3 },
    ]);
    await handle.terminate('simulated: operator stopped it');
    const job = await api.json(`/api/registrations/jobs/${encodeURIComponent(workflowId)}`);
    assert.equal(job.status, 200, JSON.stringify(job.body));
    assert.equal(job.body.data.status, 'TERMINATED');
    assert.equal(job.body.data.error, 'CEPiK pull stopped: workflow terminated: simulated: operator stopped it');
  });

  it('CRM sync runs: health finds a run whose chain was terminated and ends it failed, even when a newer run of the same id is running', async () => {
    const workflowId = `crm-sync:test-${tag}`;
    const first = await openWorkflow('syncLeadsToCrmWorkflow', workflowId, [{ leadIds: [1, 2] }]);
    await database.db.query(
      `INSERT INTO crm_sync_runs (run_key, workflow_id, selection, total) VALUES ($1, $2, 'leads', 2)`,
      [first.firstExecutionRunId, workflowId],
    );
    await first.terminate('simulated: the end of the run was never recorded');
    await openWorkflow('syncLeadsToCrmWorkflow', workflowId, [{ leadIds: [1, 2] }]);

    // /api/health checks every running row of every kind: it finds this one and records its end.
    const health = await api.json('/api/health');
    assert.equal(health.body.data.components.jobs.status, 'degraded', JSON.stringify(health.body.data.components.jobs));
    assert.deepEqual(health.body.data.components.jobs.details.crm_sync_runs, { running: 0, reconciled: 1, unchecked: 0 });
    assert.match(health.body.data.components.jobs.message, /1 job rows still said running after their workflow had ended.*crm_sync_runs 1/);
    const { rows } = await database.db.query(`SELECT status, error_message, finished_at FROM crm_sync_runs WHERE run_key = $1`, [first.firstExecutionRunId]);
    assert.deepEqual([rows[0].status, rows[0].error_message], ['failed', 'workflow terminated: simulated: the end of the run was never recorded']);
    assert.ok(rows[0].finished_at);
    const again = await api.json('/api/health');
    assert.equal(again.body.data.components.jobs.status, 'healthy', 'nothing left to reconcile');
  });
});
