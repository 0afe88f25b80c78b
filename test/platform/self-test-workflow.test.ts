import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { platformSelfTestWorkflow } from '../../workflows/platform/self-test';
import { startTimeSkipping, stubWorkers } from '../support/time-skipping';

describe('platform self-test workflow (time-skipping, stubbed activities)', { timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  test('asks the browser queue only when told to', async () => {
    let browserCalls = 0;
    const workers = await stubWorkers(env, {
      http: { probeDatabase: async () => ({ roundTripMs: 1.5, workerIdentity: 'stub', taskQueue: 'stub-http' }) },
      browser: {
        probeBrowser: async () => {
          browserCalls += 1;
          return { browserVersion: '1.0', renderedTitle: 'prospector-probe' };
        },
      },
    });
    const results = await workers.run(async () => {
      const start = (includeBrowser: boolean) =>
        env.client.workflow.execute<typeof platformSelfTestWorkflow>('platformSelfTestWorkflow', {
          workflowId: `self-test-${includeBrowser}-${Date.now()}`,
          taskQueue: workers.queues.workflows,
          args: [{ includeBrowser }],
        });
      return [await start(false), await start(true)];
    });
    assert.deepEqual(results[0], { database: { roundTripMs: 1.5, workerIdentity: 'stub', taskQueue: 'stub-http' } });
    assert.equal(results[1]!.browser?.renderedTitle, 'prospector-probe');
    assert.equal(browserCalls, 1);
  });

  test('fails with the probe’s own error after the probe profile’s three attempts', async () => {
    let attempts = 0;
    const workers = await stubWorkers(env, {
      http: {
        probeDatabase: async () => {
          attempts += 1;
          throw ApplicationFailure.create({ type: 'DatabaseDown', message: 'connection refused' });
        },
      },
    });
    const failure = await workers.run(() =>
      env.client.workflow
        .execute<typeof platformSelfTestWorkflow>('platformSelfTestWorkflow', {
          workflowId: `self-test-failing-${Date.now()}`,
          taskQueue: workers.queues.workflows,
          args: [{}],
        })
        .then(() => assert.fail('the self-test should fail'), (error: unknown) => error),
    );
    assert.ok(failure instanceof WorkflowFailedError);
    assert.equal(attempts, 3);
  });
});
