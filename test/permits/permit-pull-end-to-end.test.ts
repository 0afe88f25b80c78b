import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { temporal as temporalEnums } from '@temporalio/proto';
import { loadSettings } from '../../config/settings';
import { ConflictError } from '../../domain/errors';
import { cancelPermitJob, startPermitPull } from '../../services/permits/pull-jobs';
import { CountyIdAttribute, PullKindAttribute, SourceAttribute } from '../../temporal/search-attributes';
import { incrementalScheduleId, permitYearWorkflowId } from '../../workflows/permits/ids';
import { permitPullProgressQuery } from '../../workflows/permits/progress';
import { recordHistory } from '../support/history-fixtures';
import { uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { countyState, insertCounty, jobRow, type PermitPullStack, startPermitPullStack, waitForJobEnd } from './permit-test-support';

const RATE_LIMIT = { limit: 40, windowSeconds: 2 };

describe('Accela permit pipeline end to end (real Temporal, real PostgreSQL, simulator)', () => {
  let stack: PermitPullStack;
  let database: PermitPullStack['database'];
  let temporal: PermitPullStack['temporal'];
  let workers: PermitPullStack['workers'];
  let sim: PermitPullStack['sim'];
  const queues = uniqueQueues('permits');
  let env: Record<string, string>;
  let countyId = 0;
  const pullContext = () => ({ db: database.db, temporal: temporal.client, queues, settings: loadSettings({ ...process.env, ...env }) });

  before(async () => {
    stack = await startPermitPullStack({
      label: 'permits',
      queues,
      simulator: {
        seed: 'e2e',
        permitsPerAgency: 4000,
        malformedRecords: 6,
        rateLimit: RATE_LIMIT,
        // The server revokes every access token after its 40th API call: the pull must refresh and go on.
        // Every 150th call answers 500: the page activity retries under its policy.
        faults: { expireTokensAfterRequests: 40, omitFromBatchEvery: 41, serverErrorEvery: 150 },
      },
      env: {
        ACCELA_PAGE_LIMIT: '25', ACCELA_WINDOW_DAYS: '183', ACCELA_ENRICH_BATCH_SIZE: '50', CRM_AUTO_SYNC: 'false',
        // The simulator's window: the shared limit spreads the advertised 40 requests over it, not over an hour.
        ACCELA_RATE_LIMIT_WINDOW_SECONDS: String(RATE_LIMIT.windowSeconds),
      },
    });
    ({ database, temporal, workers, sim, env } = stack);
  });
  after(async () => {
    await stack?.stop(countyId ? [countyId] : []);
  });

  it('pulls 30 years and ends with exactly the simulator’s permits, properties and leads', async () => {
    countyId = await insertCounty(database.db, workers.secrets, sim.simulator, 'HCFL');
    const { id: jobId, workflow_id: workflowId } = await startPermitPull(pullContext(), countyId, { jobType: 'initial_pull', years: 30 });
    const job = await waitForJobEnd(database.db, jobId);
    assert.equal(job.status, 'completed', job.error_message);

    const truth = sim.simulator.agency('HCFL').groundTruth('Building/Residential/Trade/Mechanical', new Date().toISOString().slice(0, 10));
    assert.ok(truth.permitIds.length > 2000, `a few thousand permits (${truth.permitIds.length})`);
    const state = await countyState(database.db, countyId);
    assert.deepEqual(state.permitIds, truth.permitIds);
    assert.deepEqual(state.propertyKeys, truth.propertyKeys);
    assert.deepEqual(state.leadKeys, truth.leadKeys);
    assert.ok(truth.propertyKeys.length < truth.permitIds.length, 'several permits share an address');

    // Exact counts, derived from what the database did; unparseable records kept with the reason.
    assert.equal(job.permits_saved, truth.permitIds.length);
    assert.equal(job.permits_pulled, truth.permitIds.length);
    assert.equal(job.properties_created, truth.propertyKeys.length);
    assert.equal(job.years_completed, 30);
    assert.equal(Number(job.progress_percent), 100);
    const rejects = await database.db.query(`SELECT external_id, reason FROM rejected_records WHERE source = 'accela' ORDER BY external_id`);
    assert.deepEqual(rejects.rows.map((r) => r.external_id), truth.rejectedIds);
    assert.ok(rejects.rows.every((r) => r.reason.includes('trackingId')));
    const unenriched = await database.db.query(`SELECT count(*)::int AS n FROM permits WHERE county_id = $1 AND NOT enriched`, [countyId]);
    assert.equal(unenriched.rows[0].n, 0, 'ids left out of a batch were fetched alone');
    const contact = await database.db.query(`SELECT count(*)::int AS n FROM leads WHERE county_id = $1 AND (owner_phone IS NULL OR owner_email IS NULL)`, [countyId]);
    assert.equal(contact.rows[0].n, 0, 'leads carry the owner contact');

    // Token expiry mid-pull survived; the rate limit never exceeded.
    assert.ok(sim.simulator.stats.expiredTokenRejections >= 1);
    assert.equal(sim.simulator.stats.throttled, 0);
    assert.ok(sim.simulator.stats.maxRequestsInAWindow <= RATE_LIMIT.limit);
    const stats = await database.db.query(`SELECT * FROM county_rate_limit_stats WHERE county_id = $1`, [countyId]);
    assert.equal(stats.rows[0].limit_per_window, RATE_LIMIT.limit);
    assert.equal(stats.rows[0].requests_made, sim.simulator.stats.apiRequests);

    // Operators can find the run by its search attributes; the weekly schedule now exists.
    const described = await temporal.client.workflow.getHandle(workflowId).describe();
    assert.equal(described.status.name, 'COMPLETED');
    const attributes = described.typedSearchAttributes;
    assert.deepEqual(
      [attributes.get(SourceAttribute), attributes.get(PullKindAttribute), attributes.get(CountyIdAttribute)],
      ['accela', 'initial_pull', String(countyId)],
    );
    const schedule = await temporal.client.schedule.getHandle(incrementalScheduleId(countyId)).describe();
    assert.equal(schedule.spec.intervals?.[0]?.every, 7 * 24 * 60 * 60 * 1000);
    assert.equal(schedule.policies.overlap, 'SKIP');
    assert.equal(schedule.policies.catchupWindow, 24 * 60 * 60 * 1000);
    await recordHistory(temporal.client, workflowId, 'permits-accelaHistoricalPullWorkflow-completed');
    const oldestYear = new Date().getUTCFullYear() - 29;
    await recordHistory(temporal.client, permitYearWorkflowId(countyId, jobId, oldestYear), 'permits-accelaYearPullWorkflow-completed');
  });

  it('changes nothing when run again', async () => {
    const before = await countyState(database.db, countyId);
    const { id: jobId } = await startPermitPull(pullContext(), countyId, { jobType: 'initial_pull', years: 30 });
    const job = await waitForJobEnd(database.db, jobId);
    assert.equal(job.status, 'completed', job.error_message);
    assert.deepEqual(await countyState(database.db, countyId), before);
    assert.deepEqual(
      [job.permits_saved, job.properties_created, job.properties_updated, job.leads_created],
      [0, 0, 0, 0],
    );
    assert.equal(job.permits_pulled, before.permitIds.length);
  });

  it('runs an incremental pull of the 8 days before the scheduled time when the schedule is triggered', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const agency = sim.simulator.agency('HCFL');
    const added = Array.from({ length: 5 }, () => agency.add(today)).filter((r) => r.typeValue === 'Building/Residential/Trade/Mechanical');
    const jobsBefore = await database.db.query(`SELECT max(id)::int AS id FROM permit_pull_jobs`);
    await temporal.client.schedule.getHandle(incrementalScheduleId(countyId)).trigger();
    const job = await waitFor('the scheduled incremental job', async () => {
      const { rows } = await database.db.query(
        `SELECT * FROM permit_pull_jobs WHERE id > $1 AND job_type = 'incremental_pull' AND status IN ('completed', 'failed')`,
        [jobsBefore.rows[0].id],
      );
      return rows[0];
    }, { timeoutMs: 120_000 });
    assert.equal(job.status, 'completed', job.error_message);
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual([job.parameters.date_from, job.parameters.date_to], [eightDaysAgo, today]);
    assert.match(job.workflow_id, /^accela-incremental:county-\d+:run/);
    const state = await countyState(database.db, countyId);
    for (const record of added) assert.ok(state.permitIds.includes(record.id), record.id);
    const truth = agency.groundTruth('Building/Residential/Trade/Mechanical', today);
    assert.deepEqual(state.permitIds, truth.permitIds);
    assert.deepEqual(state.leadKeys, truth.leadKeys);
  });

  it('starts the CRM sync after an incremental pull with autoSyncToCrm, and finishes even if it cannot', async () => {
    const { id: jobId, workflow_id: workflowId } = await startPermitPull(pullContext(), countyId, { jobType: 'incremental_pull', autoSyncToCrm: true });
    const job = await waitForJobEnd(database.db, jobId);
    assert.equal(job.status, 'completed', job.error_message);
    const handle = temporal.client.workflow.getHandle(workflowId);
    await handle.result();
    const history = await handle.fetchHistory();
    const started = history.events?.map((event) => event.startChildWorkflowExecutionInitiatedEventAttributes).find(Boolean);
    assert.equal(started?.workflowType?.name, 'syncLeadsToCrmWorkflow');
    assert.equal(started?.workflowId, 'crm-sync:pending');
    assert.equal(started?.parentClosePolicy, temporalEnums.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON);
    assert.equal(started?.taskQueue?.name, queues.workflows);
    await temporal.client.workflow.getHandle('crm-sync:pending').terminate('permit test over').catch(() => undefined);
    await recordHistory(temporal.client, workflowId, 'permits-accelaIncrementalPullWorkflow-completed-crm-sync');
  });

  it('cancels gracefully mid-pull with consistent counts, and refuses a second pull meanwhile', async () => {
    sim.simulator.latencyMs = 40;
    const slowCounty = await insertCounty(database.db, workers.secrets, sim.simulator, 'PINELLAS');
    const { id: jobId, workflow_id: workflowId } = await startPermitPull(pullContext(), slowCounty, { jobType: 'initial_pull', years: 30 });
    await waitFor('a few pages', async () => (await jobRow(database.db, jobId)).current_batch >= 3, { timeoutMs: 120_000 });
    await assert.rejects(startPermitPull(pullContext(), slowCounty, { jobType: 'initial_pull' }), ConflictError);
    const live = await waitFor('live progress from the workflow query', async () => {
      const progress = await temporal.client.workflow.getHandle(workflowId).query(permitPullProgressQuery);
      return progress.counts.permitsPulled > 0 ? progress : null;
    }, { timeoutMs: 120_000 });
    assert.equal(live.status, 'running');
    assert.ok(live.currentBatch >= 1 && live.yearsTotal === 30);
    assert.equal((await cancelPermitJob({ db: database.db, temporal: temporal.client }, jobId)).id, jobId);
    const outcome = await temporal.client.workflow.getHandle(workflowId).result().catch((error: unknown) => error);
    assert.ok(outcome instanceof WorkflowFailedError && outcome.cause instanceof CancelledFailure, String(outcome));
    const job = await jobRow(database.db, jobId);
    sim.simulator.latencyMs = 0;
    assert.equal(job.status, 'cancelled');
    const described = await temporal.client.workflow.getHandle(workflowId).describe();
    assert.equal(described.status.name, 'CANCELLED');
    const state = await countyState(database.db, slowCounty);
    assert.ok(state.permitIds.length > 0 && state.permitIds.length < 1000, `stopped early (${state.permitIds.length})`);
    assert.equal(job.permits_saved, state.permitIds.length, 'every page counted was saved, and only those');
    assert.equal(job.properties_created, state.propertyKeys.length);
    const pages = await database.db.query(`SELECT sum(permits_pulled)::int AS pulled, count(*)::int AS n FROM permit_pull_pages WHERE job_id = $1`, [jobId]);
    assert.equal(pages.rows[0].pulled, job.permits_pulled);
    assert.equal(pages.rows[0].n, job.current_batch);
    assert.equal(await temporal.client.schedule.getHandle(incrementalScheduleId(slowCounty)).describe().catch(() => null), null, 'no schedule for a cancelled pull');
    await recordHistory(temporal.client, workflowId, 'permits-accelaHistoricalPullWorkflow-cancelled');
  });
});
