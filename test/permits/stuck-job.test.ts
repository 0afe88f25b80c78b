import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApi } from '../support/api';
import { uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { insertCounty, jobRow, type PermitPullStack, startPermitPullStack } from './permit-test-support';

/**
 * Issue 10: a pull whose workflow ended without recording its end (as when `finishPermitPullJob` ran out
 * of attempts during a database outage) must not lock its county. Terminating the workflow leaves the
 * job row `running` the same way, without an outage.
 */
describe('a permit pull job whose workflow ended without recording it (real Temporal, real PostgreSQL, simulator)', () => {
  let stack: PermitPullStack;
  let database: PermitPullStack['database'];
  let temporal: PermitPullStack['temporal'];
  let workers: PermitPullStack['workers'];
  let sim: PermitPullStack['sim'];
  let api: ReturnType<typeof createTestApi>;
  const queues = uniqueQueues('permits-stuck');
  const workflowsToStop: string[] = [];

  before(async () => {
    // Slow pages keep a 30-year pull running for as long as the test needs it.
    stack = await startPermitPullStack({
      label: 'permits_stuck',
      queues,
      simulator: { seed: 'stuck', permitsPerAgency: 2000, latencyMs: 40 },
      env: { ACCELA_PAGE_LIMIT: '25', ACCELA_WINDOW_DAYS: '183', CRM_AUTO_SYNC: 'false' },
    });
    ({ database, temporal, workers, sim } = stack);
    api = createTestApi({ db: database.db, client: temporal.client, queues, env: stack.env });
  });
  after(async () => {
    for (const id of workflowsToStop) await temporal?.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await stack?.stop([]);
  });

  const post = (path: string, body?: unknown) =>
    api.json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const startPull = (countyId: number) => post(`/api/background-jobs/counties/${countyId}/jobs`, { job_type: 'initial_pull', parameters: { years: 30 } });

  /** Starts a pull, waits for its row to say running, then ends its workflow behind the row's back. */
  async function stuckPull(countyId: number): Promise<{ jobId: number; workflowId: string }> {
    const started = await startPull(countyId);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const { id: jobId, workflow_id: workflowId } = started.body.data;
    workflowsToStop.push(workflowId);
    await waitFor('the job to run', async () => (await jobRow(database.db, jobId)).status === 'running', { timeoutMs: 60_000 });
    await temporal.client.workflow.getHandle(workflowId).terminate('simulated: the end of the job was never recorded');
    assert.equal((await jobRow(database.db, jobId)).status, 'running', 'the row still says running, as after the outage');
    return { jobId, workflowId };
  }

  it('frees the county: a new pull is accepted, the stuck job shows its real end, cancel says so and delete works', async () => {
    const countyId = await insertCounty(database.db, workers.secrets, sim.simulator, 'HCFL');
    const stuck = await stuckPull(countyId);

    const next = await startPull(countyId);
    assert.equal(next.status, 202, `a new pull is accepted, not refused: ${JSON.stringify(next.body)}`);
    workflowsToStop.push(next.body.data.workflow_id);

    const job = await api.json(`/api/background-jobs/jobs/${stuck.jobId}`);
    assert.equal(job.status, 200);
    assert.equal(job.body.data.status, 'failed');
    assert.equal(job.body.data.error_message, 'workflow terminated: simulated: the end of the job was never recorded');
    assert.ok(job.body.data.finished_at, 'finished_at is recorded');
    assert.equal(job.body.data.live, null);

    const cancel = await post(`/api/background-jobs/jobs/${stuck.jobId}/cancel`);
    assert.equal(cancel.status, 409, 'an ended job cannot be cancelled, and the answer says how it ended');
    assert.match(cancel.body.error.message, /is failed, not running: workflow terminated/);
    assert.equal(cancel.body.error.details.status, 'failed');

    const removed = await api.json(`/api/background-jobs/jobs/${stuck.jobId}`, { method: 'DELETE' });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(await jobRow(database.db, stuck.jobId), undefined);

    // The new pull is a live job: cancelling it still works as before.
    const cancelNext = await post(`/api/background-jobs/jobs/${next.body.data.id}/cancel`);
    assert.equal(cancelNext.status, 202, JSON.stringify(cancelNext.body));
    const ended = await waitFor('the cancelled pull to end', async () => {
      const row = await jobRow(database.db, next.body.data.id);
      return row.status === 'cancelled' ? row : null;
    }, { timeoutMs: 120_000 });
    assert.equal(ended.error_message, null);
  });

  it('shows the real end in the county’s job list, and deletes a stuck job without a cancel first', async () => {
    const countyId = await insertCounty(database.db, workers.secrets, sim.simulator, 'SARASOTA');
    const stuck = await stuckPull(countyId);
    const running = await api.json(`/api/background-jobs/counties/${countyId}/jobs?status=running`);
    assert.deepEqual(running.body.data, [], 'no job of the county is running');
    const listed = await api.json(`/api/background-jobs/counties/${countyId}/jobs`);
    assert.deepEqual(listed.body.data.map((j: any) => [j.id, j.status]), [[stuck.jobId, 'failed']]);

    const other = await stuckPull(await insertCounty(database.db, workers.secrets, sim.simulator, 'PINELLAS'));
    const removed = await api.json(`/api/background-jobs/jobs/${other.jobId}`, { method: 'DELETE' });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
  });

  it('is reported and reconciled by /api/health, which said healthy before', async () => {
    const countyId = await insertCounty(database.db, workers.secrets, sim.simulator, 'POLK');
    const stuck = await stuckPull(countyId);
    const health = await api.json('/api/health');
    const jobs = health.body.data.components.jobs;
    assert.equal(jobs?.status, 'degraded', JSON.stringify(health.body.data.components));
    assert.equal(jobs.details.permit_pull_jobs.reconciled, 1);
    assert.match(jobs.message, /permit_pull_jobs 1/);
    assert.equal((await jobRow(database.db, stuck.jobId)).status, 'failed');
  });

  it('ends a job whose workflow Temporal does not know, once a pending one has had time to start', async () => {
    const countyId = await insertCounty(database.db, workers.secrets, sim.simulator, 'ORANGE');
    const insert = async (status: string) => {
      const { rows } = await database.db.query<{ id: number }>(
        `INSERT INTO permit_pull_jobs (county_id, job_type, parameters, status, workflow_id) VALUES ($1, 'initial_pull', '{}', $2, $3) RETURNING id`,
        [countyId, status, `never-started-${countyId}-${status}`],
      );
      return rows[0]!.id;
    };
    const running = await insert('running');
    const gone = await api.json(`/api/background-jobs/jobs/${running}`);
    assert.deepEqual([gone.body.data.status, gone.body.data.error_message], ['failed', `its workflow never-started-${countyId}-running is not known to Temporal`]);

    const pending = await insert('pending');
    const young = await api.json(`/api/background-jobs/jobs/${pending}`);
    assert.equal(young.body.data.status, 'pending', 'a young pending job may still be starting its workflow');
    await database.db.query(`UPDATE permit_pull_jobs SET created_at = now() - interval '2 minutes' WHERE id = $1`, [pending]);
    const old = await api.json(`/api/background-jobs/jobs/${pending}`);
    assert.equal(old.body.data.status, 'failed');
    assert.ok(old.body.data.finished_at);
  });
});
