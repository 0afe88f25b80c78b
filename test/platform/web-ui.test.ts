import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadSettings } from '../../config/settings';
import { CHROMIUM_ARGS } from '../../platform/browser';
import { freePort } from '../../platform/free-port';
import { findTemporalBinary } from '../../platform/temporal-binary';
import { cancelPermitJob, startPermitPull } from '../../services/permits/pull-jobs';
import { startAccelaSimulator } from '../../simulators/accela/server';
import { customSearchAttributes } from '../../temporal/search-attributes';
import { permitYearWorkflowId } from '../../workflows/permits/ids';
import { knownTestCredentials } from '../support/audit/known-credentials';
import { auditTemporal } from '../support/audit/run-audit';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { insertCounty, jobRow, useDistinctCountyIds, waitForJobEnd } from '../permits/permit-test-support';

/** Every frame's text: the run page renders summaries and details (Markdown) in frames of their own. */
async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(page.frames().map((frame) => frame.locator('body').innerText({ timeout: 2_000 }).catch(() => '')));
  return texts.join('\n');
}

/**
 * Opens `url` and reads it until its text (frames included) matches every pattern, reloading now and then
 * (current details are fetched when the page loads); the page as last seen otherwise fails the test.
 */
async function openUntil(page: Page, url: string, patterns: RegExp[], what: string): Promise<string> {
  let seen = '';
  let reads = 0;
  await page.goto(url);
  try {
    return await waitFor(
      what,
      async () => {
        reads += 1;
        if (reads % 10 === 0) await page.reload().catch(() => undefined);
        seen = await pageText(page);
        return patterns.every((pattern) => pattern.test(seen)) ? seen : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
  } catch (error) {
    const missing = patterns.filter((pattern) => !pattern.test(seen));
    throw new Error(`${(error as Error).message}; missing ${missing.join(', ')} in:\n${seen.slice(0, 3_000)}`);
  }
}

/**
 * What an operator sees in the Temporal Web UI (the dev server's own UI, the version the CLI embeds)
 * while a permit pull runs, in a real Chromium: the run's page says in words which county and job it
 * is (static summary), its parameters and API URL (static details) and how far it has got (current
 * details, answered by the real workers); the year child's page says which year and page it fetches.
 * Screenshots of the workflow list and the run pages are kept in a temp folder (printed).
 */
describe('Temporal Web UI explains a running permit pull (dev server with its UI, real workers, real Chromium)', () => {
  let server: TestWorkflowEnvironment;
  let uiUrl: string;
  let database: TestDatabase;
  let workers: TestWorkers;
  let browser: Browser;
  let sim: Awaited<ReturnType<typeof startAccelaSimulator>>;
  const queues = uniqueQueues('webui');
  // Slow on purpose (small pages, a pause between them, one year at a time): the pull still runs when the pages are read.
  const env = { ACCELA_PAGE_LIMIT: '5', ACCELA_PAGE_DELAY_MS: '1500', ACCELA_YEAR_CONCURRENCY: '1', ACCELA_WINDOW_DAYS: '183', CRM_AUTO_SYNC: 'false' };

  before(async () => {
    const binary = findTemporalBinary(process.env.TEMPORAL_CLI_PATH);
    assert.ok(binary, 'the Temporal CLI (it embeds the Web UI) is installed by the test setup');
    const uiPort = await freePort();
    server = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: binary.path }, ip: '127.0.0.1', uiPort, searchAttributes: [...customSearchAttributes] },
    });
    uiUrl = `http://127.0.0.1:${uiPort}`;
    // No rate-limit headers: the client keeps its fixed pause between pages.
    sim = await startAccelaSimulator({ seed: 'web-ui', permitsPerAgency: 3000, latencyMs: 100, rateLimit: null });
    Object.assign(env, { ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url });
    database = await createTestDatabase('webui');
    await useDistinctCountyIds(database.db);
    workers = await startTestWorkers({ connection: server.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
    browser = await chromium.launch({ executablePath: loadSettings(process.env).CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await workers?.stop();
    await server?.teardown();
    await database?.drop();
    await sim?.close();
  });

  it('shows the summary, details and live progress of the pull and of its year, with nothing personal in them', async () => {
    const countyId = await insertCounty(database.db, workers.secrets, sim.simulator, 'HCFL');
    const context = { db: database.db, temporal: server.client, queues, settings: loadSettings({ ...process.env, ...env }) };
    const job = await startPermitPull(context, countyId, { jobType: 'initial_pull', years: 3 });
    const summary = `HCFL County · 3-year permit pull · job ${job.id}`;
    await waitFor('the first page saved', async () => ((await jobRow(database.db, job.id)).permits_pulled > 0 ? true : undefined), { timeoutMs: 90_000 });

    const screenshots = await mkdtemp(path.join(os.tmpdir(), 'prospector-web-ui-'));
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      // The list: UI 2.54 has no summary column (not even among the optional columns): the run is found by id and type.
      const list = await openUntil(page, `${uiUrl}/namespaces/default/workflows`, [new RegExp(job.workflow_id), /accelaHistoricalPullWorkflow/, /accelaYearPullWorkflow/], 'the pull in the workflow list');
      assert.doesNotMatch(list, /Summary/, 'if this UI now lists summaries, check the summary there and update README (Temporal Web UI)');
      await page.screenshot({ path: path.join(screenshots, 'workflow-list.png') });

      const { runId } = await server.client.workflow.getHandle(job.workflow_id).describe();
      const runPage = await openUntil(
        page,
        `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(job.workflow_id)}/${runId}/user-metadata`,
        [new RegExp(summary), /Historical permit pull of HCFL County/, new RegExp(`GET /api/background-jobs/jobs/${job.id}`), /permits pulled/, /year \d of 3/],
        'the pull’s summary, details and current details on its page',
      );
      assert.match(runPage, /years back\s*3/);
      await page.screenshot({ path: path.join(screenshots, 'pull-user-metadata.png'), fullPage: true });

      const year = new Date().getUTCFullYear() - 2;
      const yearId = permitYearWorkflowId(countyId, job.id, year);
      const yearRun = await server.client.workflow.getHandle(yearId).describe();
      await openUntil(
        page,
        `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(yearId)}/${yearRun.runId}/user-metadata`,
        [new RegExp(`HCFL County · permits of ${year} · year 1 of 3 · job ${job.id}`), /permits pulled/],
        'the year child’s summary and current details',
      );
      await page.screenshot({ path: path.join(screenshots, 'year-user-metadata.png'), fullPage: true });
      console.log(`Web UI screenshots: ${screenshots}`);
    } finally {
      await page.close();
    }

    // The texts the UI showed, and the current details of every run on this server, hold nothing personal or secret.
    const audit = await auditTemporal({ connection: server.connection, credentials: knownTestCredentials(), namespaces: ['default'], currentDetailsDeadlineMs: 10_000 });
    assert.deepEqual(audit.findings, []);
    assert.ok(audit.currentDetails >= 2, `the running pull and its year answered with their current details (${audit.currentDetails})`);

    await cancelPermitJob(context, job.id);
    assert.equal((await waitForJobEnd(database.db, job.id)).status, 'cancelled');
  });
});
