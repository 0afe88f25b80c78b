import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { formatDuration, progressFrame } from '../../domain/operations/job-progress';
import { SecretBox } from '../../platform/encryption';
import { freePort } from '../../platform/free-port';
import { insertCounty } from '../../stores/permits/county-store';
import { finishJob, insertPendingJob, markJobRunning } from '../../stores/permits/job-store';
import { createTestApi, TEST_API_KEY } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

const ROOT = path.resolve(__dirname, '..', '..');

const job = {
  status: 'running' as const,
  progress_percent: 42.345,
  permits_pulled: 12_345,
  permits_saved: 12_001,
  permits_per_second: 8.25,
  estimated_completion_at: '2026-12-03T15:04:05.000Z',
  current_year: 2019,
  years_total: 30,
  years_completed: 12,
  error_message: null,
};

describe('job progress frame', () => {
  it('shows percent, counts, rate, ETA and the year in words', () => {
    assert.deepEqual(progressFrame(job, new Date('2026-12-03T15:00:00.000Z')), {
      percent: 42.3,
      pulled: '12,345',
      saved: '12,001',
      rate: '8.3/s',
      remaining: '4m 05s',
      state: 'running · year 2019 (12/30 done)',
    });
    assert.equal(progressFrame({ ...job, status: 'failed', error_message: 'Accela refused the credentials' }, new Date()).state, 'failed: Accela refused the credentials · year 2019 (12/30 done)');
    assert.equal(progressFrame({ ...job, estimated_completion_at: null, permits_per_second: null }, new Date()).remaining, 'unknown');
    assert.equal(formatDuration(3_725), '1h 02m');
  });
});

describe('npm run jobs -- watch', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let server: ServerType;
  let apiUrl: string;
  let countyId: number;

  before(async () => {
    database = await createTestDatabase('jobs_watch');
    temporal = await connectTestTemporal();
    const api = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('watch') });
    const port = await freePort();
    server = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port });
    apiUrl = `http://127.0.0.1:${port}`;
    const county = await insertCounty(database.db, SecretBox.fromBase64(TEST_ENCRYPTION_KEY), {
      name: 'Watch County', agency_name: 'WATCH', environment: 'TEST', app_id: 'app', app_secret: 'secret', username: 'user', password: 'password',
      permit_type: 'Building/Residential/Mechanical/NA', module: 'Building', time_zone: 'America/New_York',
    });
    countyId = county!.id;
  });
  after(async () => {
    server?.close();
    await temporal?.teardown();
    await database?.drop();
  });

  async function jobThatEnds(status: 'completed' | 'failed', error: string | null): Promise<number> {
    const jobId = (await insertPendingJob(database.db, countyId, 'initial_pull', { years: 30 }, `watch-test-${status}`))!;
    await markJobRunning(database.db, jobId, `watch-test-${status}`, 30);
    await database.db.query('UPDATE permit_pull_jobs SET permits_pulled = 1234, permits_saved = 1200, permits_per_second = 5 WHERE id = $1', [jobId]);
    await finishJob(database.db, jobId, status, error);
    return jobId;
  }

  function watch(jobId: number): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'jobs.ts'), 'watch', String(jobId), '--interval', '0.2'], {
      cwd: ROOT,
      env: { ...process.env, API_URL: apiUrl, API_KEYS: TEST_API_KEY },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
  }

  it('draws the bar with counts and exits 0 once the job has completed', async () => {
    const { code, output } = await watch(await jobThatEnds('completed', null));
    assert.equal(code, 0, output);
    assert.match(output, /100% \| 1,234 pulled · 1,200 saved \| 5\.0\/s \| ETA done \| completed/);
  });

  it('exits 1 with the reason when the job failed, and 2 for a job that does not exist', async () => {
    const failed = await watch(await jobThatEnds('failed', 'Accela refused the credentials'));
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, /failed: Accela refused the credentials/);
    const missing = await watch(987_654);
    assert.equal(missing.code, 2);
    assert.match(missing.output, /job 987654: HTTP 404/);
  });
});
