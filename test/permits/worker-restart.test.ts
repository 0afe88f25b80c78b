import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPermitPull } from '../../services/permits/pull-jobs';
import { loadSettings } from '../../config/settings';
import { generateEncryptionKey, SecretBox } from '../../platform/encryption';
import { taskQueues } from '../../platform/task-queues';
import { startAccelaSimulator } from '../../simulators/accela/server';
import { incrementalScheduleId } from '../../workflows/permits/ids';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { countyState, insertCounty, jobRow, useDistinctCountyIds, waitForJobEnd } from './permit-test-support';

const ROOT = path.resolve(__dirname, '..', '..');

describe('Accela pull survives a worker killed mid-pull', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let sim: Awaited<ReturnType<typeof startAccelaSimulator>>;
  const encryptionKey = generateEncryptionKey();
  const queues = taskQueues(`test-permits-kill-${randomBytes(3).toString('hex')}`);
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  let countyId = 0;

  /** The real worker process (workers/main.ts), as `npm start` runs it. */
  const startWorkerProcess = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env, DATABASE_URL: database.url, ENCRYPTION_KEY: encryptionKey, TASK_QUEUE_PREFIX: queues.workflows.replace(/-workflows$/, ''), WORKER_ROLES: 'workflows,http', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };

  before(async () => {
    sim = await startAccelaSimulator({ seed: 'kill', permitsPerAgency: 1500, latencyMs: 15 });
    env = {
      ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url, ACCELA_PAGE_LIMIT: '20', ACCELA_WINDOW_DAYS: '366',
      ACCELA_YEAR_CONCURRENCY: '2', ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS: '4', CRM_AUTO_SYNC: 'false',
    };
    database = await createTestDatabase('permits_kill');
    await useDistinctCountyIds(database.db);
    temporal = await connectTestTemporal();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (countyId) await temporal?.client.schedule.getHandle(incrementalScheduleId(countyId)).delete().catch(() => undefined);
    await temporal?.teardown();
    await database?.drop();
    await sim?.close();
  });

  it('finishes with exact counts after SIGKILL and a restart', async () => {
    countyId = await insertCounty(database.db, SecretBox.fromBase64(encryptionKey), sim.simulator, 'LEECO');
    const first = startWorkerProcess();
    const settings = loadSettings({ ...process.env, ...env });
    const { id: jobId } = await startPermitPull({ db: database.db, temporal: temporal.client, queues, settings }, countyId, { jobType: 'initial_pull', years: 30 });
    await waitFor('some pages saved', async () => (await jobRow(database.db, jobId)).current_batch >= 6, { timeoutMs: 120_000 });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await jobRow(database.db, jobId);
    assert.equal(atKill.status, 'running');

    startWorkerProcess();
    const job = await waitForJobEnd(database.db, jobId, 150_000);
    assert.equal(job.status, 'completed', job.error_message);
    assert.ok(job.current_batch > atKill.current_batch, 'the new worker carried on');
    const truth = sim.simulator.agency('LEECO').groundTruth('Building/Residential/Trade/Mechanical', new Date().toISOString().slice(0, 10));
    const state = await countyState(database.db, countyId);
    assert.deepEqual(state.permitIds, truth.permitIds);
    assert.deepEqual(state.propertyKeys, truth.propertyKeys);
    assert.deepEqual(state.leadKeys, truth.leadKeys);
    assert.equal(job.permits_pulled, truth.permitIds.length, 'no page counted twice');
    assert.equal(job.permits_saved, truth.permitIds.length);
    assert.equal(job.properties_created, truth.propertyKeys.length);
  });
});
