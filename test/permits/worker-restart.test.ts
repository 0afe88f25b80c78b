import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPermitPull } from '../../services/permits/pull-jobs';
import { loadSettings, WORKER_TYPESCRIPT_LOADER } from '../../config/settings';
import { generateEncryptionKey, SecretBox } from '../../platform/encryption';
import { taskQueues } from '../../platform/task-queues';
import { startAccelaSimulator } from '../../simulators/accela/server';
import { localDay } from '../../domain/permits/open-data-record';
import { groundTruth } from '../../simulators/open-data-permits';
import { SIMULATED_ARCGIS_MAPPING, startArcGisSimulator } from '../../simulators/arcgis/server';
import { SIMULATED_SOCRATA_MAPPING, startSocrataSimulator } from '../../simulators/socrata/server';
import { createCounty } from '../../services/permits/counties';
import { incrementalScheduleId } from '../../workflows/permits/ids';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { countyState, insertCounty, jobRow, useDistinctCountyIds, waitForJobEnd } from './permit-test-support';

const ROOT = path.resolve(__dirname, '..', '..');

describe('Accela, Socrata and ArcGIS pulls survive a worker killed mid-pull', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let sim: Awaited<ReturnType<typeof startAccelaSimulator>>;
  let socrata: Awaited<ReturnType<typeof startSocrataSimulator>>;
  let arcgis: Awaited<ReturnType<typeof startArcGisSimulator>>;
  const encryptionKey = generateEncryptionKey();
  const queues = taskQueues(`test-permits-kill-${randomBytes(3).toString('hex')}`);
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  const countyIds: number[] = [];

  /** The real worker process (workers/main.ts), as `npm start` runs it. */
  const startWorkerProcess = () => {
    const child = spawn(process.execPath, [...WORKER_TYPESCRIPT_LOADER, path.join(ROOT, 'workers', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env, DATABASE_URL: database.url, ENCRYPTION_KEY: encryptionKey, TASK_QUEUE_PREFIX: queues.workflows.replace(/-workflows$/, ''), WORKER_ROLES: 'workflows,http', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };

  before(async () => {
    sim = await startAccelaSimulator({ seed: 'kill', permitsPerAgency: 1500, latencyMs: 15 });
    socrata = await startSocrataSimulator({ permits: 1200, seed: 4, latencyMs: 15 });
    arcgis = await startArcGisSimulator({ permits: 1200, seed: 3, latencyMs: 15 });
    env = {
      ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url, ACCELA_PAGE_LIMIT: '20', ACCELA_WINDOW_DAYS: '366',
      OPEN_DATA_PAGE_LIMIT: '20', SOCRATA_REQUESTS_PER_SECOND: '100', ARCGIS_REQUESTS_PER_SECOND: '100',
      ACCELA_YEAR_CONCURRENCY: '2', ACCELA_PAGE_HEARTBEAT_TIMEOUT_SECONDS: '4', CRM_AUTO_SYNC: 'false',
    };
    database = await createTestDatabase('permits_kill');
    await useDistinctCountyIds(database.db);
    temporal = await connectTestTemporal();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const countyId of countyIds) await temporal?.client.schedule.getHandle(incrementalScheduleId(countyId)).delete().catch(() => undefined);
    await temporal?.teardown();
    await database?.drop();
    await Promise.all([sim?.close(), socrata?.close(), arcgis?.close()]);
  });

  /** Starts the pull on one worker, kills it after a few pages, restarts it; returns the job as it ended and at the kill. */
  async function pullThroughKill(countyId: number) {
    const first = startWorkerProcess();
    const settings = loadSettings({ ...process.env, ...env });
    const { id: jobId } = await startPermitPull({ db: database.db, temporal: temporal.client, queues, settings }, countyId, { jobType: 'initial_pull', years: 30 });
    await waitFor('some pages saved', async () => (await jobRow(database.db, jobId)).current_batch >= 6, { timeoutMs: 120_000 });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await jobRow(database.db, jobId);
    assert.equal(atKill.status, 'running');

    const second = startWorkerProcess();
    const job = await waitForJobEnd(database.db, jobId, 150_000);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    assert.equal(job.status, 'completed', job.error_message);
    assert.ok(job.current_batch > atKill.current_batch, 'the new worker carried on');
    return job;
  }

  it('finishes with exact counts after SIGKILL and a restart', async () => {
    const countyId = await insertCounty(database.db, SecretBox.fromBase64(encryptionKey), sim.simulator, 'LEECO');
    countyIds.push(countyId);
    const job = await pullThroughKill(countyId);
    const truth = sim.simulator.agency('LEECO').groundTruth('Building/Residential/Trade/Mechanical', new Date().toISOString().slice(0, 10));
    const state = await countyState(database.db, countyId);
    assert.deepEqual(state.permitIds, truth.permitIds);
    assert.deepEqual(state.propertyKeys, truth.propertyKeys);
    assert.deepEqual(state.leadKeys, truth.leadKeys);
    assert.equal(job.permits_pulled, truth.permitIds.length, 'no page counted twice');
    assert.equal(job.permits_saved, truth.permitIds.length);
    assert.equal(job.properties_created, truth.propertyKeys.length);
  });

  for (const platform of ['socrata', 'arcgis'] as const) {
    it(`${platform}: finishes with exact counts after SIGKILL and a restart`, async () => {
      const context = { db: database.db, secrets: SecretBox.fromBase64(encryptionKey), settings: loadSettings({ ...process.env, ...env }) };
      const common = { source_token: null, time_zone: 'America/New_York' };
      const county = platform === 'socrata'
        ? await createCounty(context, { platform, name: 'Springfield (Socrata)', domain: socrata.url, dataset_id: socrata.simulator.datasetId, field_mapping: SIMULATED_SOCRATA_MAPPING, ...common })
        : await createCounty(context, { platform, name: 'Shelbyville (ArcGIS)', layer_url: arcgis.layerUrl, field_mapping: SIMULATED_ARCGIS_MAPPING, ...common });
      countyIds.push(county.id);
      const job = await pullThroughKill(county.id);
      const permits = platform === 'socrata' ? socrata.simulator.permits : arcgis.simulator.permits;
      const countyToday = localDay(Date.now(), 'America/New_York');
      const truth = groundTruth(permits, `${new Date().getUTCFullYear() - 29}-01-01`, new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), countyToday);
      const state = await countyState(database.db, county.id);
      assert.deepEqual(state.permitIds, [...truth.permitNumbers].sort());
      assert.equal(job.permits_pulled, truth.permitNumbers.length, 'no page counted twice');
      assert.equal(job.permits_saved, truth.permitNumbers.length);
    });
  }
});
