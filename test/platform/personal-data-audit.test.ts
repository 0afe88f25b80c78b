import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Hono } from 'hono';
import { MakeAttribute } from '../../temporal/search-attributes';
import { knownTestCredentials } from '../support/audit/known-credentials';
import { recordResponses, TEST_AUDIT_DIR_VARIABLE } from '../support/audit/response-recorder';
import { AUDIT_PROBE_WORKFLOW_PREFIX, auditResponses, auditTemporal } from '../support/audit/run-audit';
import { HIGHLEVEL_SIMULATOR_TOKEN } from '../../simulators/highlevel/server';
import { connectTestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait-for';

/**
 * The audit scripts/run-tests.ts runs after the suite can fail: personal data and a credential
 * planted in a throwaway workflow on the run's dev server, and in an API response, are reported
 * with where they are. The workflow's id starts with AUDIT_PROBE_WORKFLOW_PREFIX, which the
 * run-wide audit skips, so the plant does not fail the run.
 */
describe('secrets and personal-data audit', () => {
  let temporal: TestWorkflowEnvironment;
  const credentials = knownTestCredentials();

  before(async () => {
    temporal = await connectTestTemporal();
  });
  after(async () => {
    await temporal?.teardown();
  });

  it('reports an e-mail in a workflow input, a phone number in its memo and a credential in a search attribute', async () => {
    const workflowId = `${AUDIT_PROBE_WORKFLOW_PREFIX}${randomBytes(4).toString('hex')}`;
    // Nobody polls this queue: the start alone writes input, memo and search attributes into the history.
    const handle = await temporal.client.workflow.start('platformSelfTestWorkflow', {
      workflowId,
      taskQueue: `${workflowId}-nobody-polls`,
      args: [{ includeBrowser: false, note: 'planted.owner@example.com' }],
      memo: { contact: '+44 20 7946 0018' },
      typedSearchAttributes: [{ key: MakeAttribute, value: HIGHLEVEL_SIMULATOR_TOKEN }],
    });
    await handle.terminate('audit probe done');
    const query = `WorkflowId = '${workflowId}'`;

    const audit = await waitFor('the probe in the visibility store', async () => {
      const result = await auditTemporal({ connection: temporal.connection, credentials, namespaces: ['default'], query, includeProbes: true });
      return result.executions === 1 ? result : undefined;
    });
    const found = (kind: string, where: RegExp) => audit.findings.find((finding) => finding.kind === kind && where.test(finding.where));
    assert.ok(found('email', /event 1 WORKFLOW_EXECUTION_STARTED .*input\.payloads\[0\]\.data/), JSON.stringify(audit.findings, null, 1));
    assert.ok(found('phone', new RegExp(`${workflowId} .* memo`)), JSON.stringify(audit.findings, null, 1));
    assert.ok(found('credential', / search attributes/), JSON.stringify(audit.findings, null, 1));
    assert.ok(audit.findings.every((finding) => !finding.what.includes(HIGHLEVEL_SIMULATOR_TOKEN) && !finding.what.includes('planted.owner')));

    const runWide = await auditTemporal({ connection: temporal.connection, credentials, namespaces: ['default'], query });
    assert.equal(runWide.executions, 0, 'the run-wide audit skips the probes');
  });

  it('reads the Web UI texts: a start’s summary and details, and a schedule’s note and its action’s summary', async () => {
    const workflowId = `${AUDIT_PROBE_WORKFLOW_PREFIX}${randomBytes(4).toString('hex')}`;
    const handle = await temporal.client.workflow.start('platformSelfTestWorkflow', {
      workflowId,
      taskQueue: `${workflowId}-nobody-polls`,
      args: [{ includeBrowser: false }],
      staticSummary: 'summary of summary.owner@example.com',
      staticDetails: '**details** call +44 20 7946 0018',
    });
    await handle.terminate('audit probe done');
    const scheduleId = `${AUDIT_PROBE_WORKFLOW_PREFIX}schedule-${randomBytes(4).toString('hex')}`;
    const schedule = await temporal.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '365 days' }] },
      action: { type: 'startWorkflow', workflowType: 'platformSelfTestWorkflow', args: [{ includeBrowser: false }], taskQueue: `${scheduleId}-nobody-polls`, staticSummary: `run for ${HIGHLEVEL_SIMULATOR_TOKEN}` },
      state: { paused: true, note: 'runs for note.owner@example.com' },
    });
    try {
      const query = `WorkflowId = '${workflowId}'`;
      const audit = await waitFor('the probe in the visibility store', async () => {
        const result = await auditTemporal({ connection: temporal.connection, credentials, namespaces: ['default'], query, includeProbes: true, scheduleIds: [scheduleId] });
        return result.executions === 1 ? result : undefined;
      });
      const found = (kind: string, where: RegExp) => audit.findings.some((finding) => finding.kind === kind && where.test(finding.where));
      const report = JSON.stringify(audit.findings, null, 1);
      assert.ok(found('email', /event 1 WORKFLOW_EXECUTION_STARTED .*userMetadata\.summary/), report);
      assert.ok(found('phone', /event 1 WORKFLOW_EXECUTION_STARTED .*userMetadata\.details/), report);
      assert.ok(found('email', new RegExp(`schedule default/${scheduleId} .*notes`)), report);
      assert.ok(found('credential', new RegExp(`schedule default/${scheduleId} .*userMetadata\\.summary`)), report);
      assert.equal(audit.schedules, 1);

      const runWide = await auditTemporal({ connection: temporal.connection, credentials, namespaces: ['default'], query: `WorkflowId = '${workflowId}'` });
      assert.equal(runWide.schedules, 0, 'a query narrows the audit to its executions');
    } finally {
      await schedule.delete();
    }
  });

  it('reports a credential and an e-mail in a recorded API response', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'audit-probe-'));
    const runWide = process.env[TEST_AUDIT_DIR_VARIABLE];
    // This app records into a folder of its own, not the run's: the plant must not fail the run.
    process.env[TEST_AUDIT_DIR_VARIABLE] = dir;
    const app = recordResponses(new Hono().get('/api/health', (c) => c.json({ error: `token ${HIGHLEVEL_SIMULATOR_TOKEN} of planted@example.com` }, 500)));
    if (runWide === undefined) delete process.env[TEST_AUDIT_DIR_VARIABLE];
    else process.env[TEST_AUDIT_DIR_VARIABLE] = runWide;
    try {
      assert.equal((await app.request('/api/health')).status, 500);
      const audit = await auditResponses(dir, credentials);
      assert.equal(audit.responses, 1);
      assert.deepEqual(audit.findings.map((finding) => finding.kind).sort(), ['credential', 'email']);
      assert.match(audit.findings[0]!.where, /GET \/api\/health → 500/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
