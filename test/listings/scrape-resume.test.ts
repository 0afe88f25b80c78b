import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PagingCursor } from '../../activities/listings/paging';
import { WORKER_TYPESCRIPT_LOADER } from '../../config/settings';
import { generateEncryptionKey } from '../../platform/encryption';
import { startAutotraderSimulator, type RunningAutotraderSimulator } from '../../simulators/autotrader/server';
import { scrapeModelWorkflowId } from '../../workflows/listings/ids';
import type { scrapeModelWorkflow } from '../../workflows/listings/scrape-model';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '..', '..');

describe('a browser worker killed mid-scrape', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let simulator: RunningAutotraderSimulator;
  let orchestration: TestWorkers;
  let replacement: TestWorkers | undefined;
  let doomed: ChildProcess | undefined;
  let dataDir: string;
  const queues = uniqueQueues('listings-resume');
  let env: Record<string, string>;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'prospector-resume-'));
    database = await createTestDatabase('listings_resume');
    temporal = await connectTestTemporal();
    simulator = await startAutotraderSimulator({ inventory: { size: 1_000 }, latencyMs: 700, renderDelayMs: 100 });
    env = { AUTOTRADER_BASE_URL: simulator.url, SCRAPING_DELAY: '0.3', DATA_DIR: dataDir };
    orchestration = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
  });
  after(async () => {
    doomed?.kill('SIGKILL');
    await replacement?.stop();
    await orchestration?.stop();
    await simulator?.close();
    await temporal?.teardown();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes on another worker from its last heartbeat, storing every listing exactly once', async () => {
    // The first browser worker is a real worker process, so it can be killed outright.
    doomed = spawn(process.execPath, [...WORKER_TYPESCRIPT_LOADER, path.join(ROOT, 'workers', 'main.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        ...process.env,
        ...env,
        WORKER_ROLES: 'browser',
        TASK_QUEUE_PREFIX: queues.workflows.replace(/-workflows$/, ''),
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
        ENCRYPTION_KEY: generateEncryptionKey(),
        LOG_LEVEL: 'warn',
      },
    });
    const handle = await temporal.client.workflow.start<typeof scrapeModelWorkflow>('scrapeModelWorkflow', {
      workflowId: scrapeModelWorkflowId('Honda', 'Civic'),
      taskQueue: queues.workflows,
      args: [{ make: 'Honda', model: 'Civic' }],
      workflowExecutionTimeout: '3 minutes',
    });

    // Heartbeats reach the server at most every 8 s (80 % of the 10 s heartbeat timeout).
    let recorded: PagingCursor | undefined;
    await waitFor('a heartbeat at page 3 or later', async () => {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      recorded = payload ? defaultPayloadConverter.fromPayload<PagingCursor>(payload as any) : undefined;
      return (recorded?.nextPage ?? 0) >= 3;
    }, { timeoutMs: 90_000 });
    // Die a page or two after that heartbeat, so stored pages are read again after the resume.
    const stored = async () => (await database.db.query('SELECT pages FROM scrape_runs')).rows[0].pages as number;
    await waitFor('the pages after that heartbeat to be stored', async () => (await stored()) >= recorded!.nextPage);
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed!.once('exit', resolve));
    const servedBeforeKill = new Map(simulator.stats.pagesServed);

    replacement = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['browser'], env });
    const result = await handle.result();

    const expected = simulator.organicResults({ make: 'Honda', model: 'Civic', fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 });
    assert.ok(expected.length > 80, `several pages (${expected.length} listings)`);
    const { rows } = await database.db.query<{ advert_id: string }>('SELECT advert_id FROM listings ORDER BY advert_id');
    assert.deepEqual(rows.map((r) => r.advert_id), expected.map((car) => car.advertId).sort());
    const history = await database.db.query('SELECT count(*)::int AS n FROM listing_price_history');
    assert.equal(history.rows[0].n, expected.length, 'no listing stored twice');
    assert.equal(result.listingsNew, expected.length);
    assert.equal(result.listingsSeen, expected.length);
    assert.equal(result.pages, Math.ceil(expected.length / 20));

    // Pages before the recorded cursor were read by the killed worker only.
    for (let page = 1; page < recorded!.nextPage; page++) {
      assert.equal(simulator.stats.pagesServed.get(`Honda|Civic|${page}`), 1, `page ${page} read once`);
    }
    assert.ok(servedBeforeKill.size >= recorded!.nextPage - 1);
    const run = await database.db.query('SELECT status, errors FROM scrape_runs');
    assert.equal(run.rows[0].status, 'succeeded');
  });
});
