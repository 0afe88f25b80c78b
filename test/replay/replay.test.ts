import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { requireEnv } from '../support/database';
import { HISTORY_FIXTURES_DIR } from '../support/history-fixtures';

interface HistoryFixture {
  name: string;
  workflowType: string;
  history: unknown;
}

function loadFixtures(): HistoryFixture[] {
  return readdirSync(HISTORY_FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = JSON.parse(readFileSync(path.join(HISTORY_FIXTURES_DIR, file), 'utf8'));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      return { name: file.replace(/\.json$/, ''), workflowType: started?.workflowType?.name, history };
    });
}

/**
 * Replays histories that the end-to-end tests recorded (RECORD_HISTORIES=1) against today's workflow
 * code: a change that is not deterministic for runs already in flight fails here.
 */
describe('workflow replay', () => {
  const fixtures = loadFixtures();

  test('every workflow type has at least one recorded history', () => {
    const recorded = new Set(fixtures.map((fixture) => fixture.workflowType));
    const missing = Object.keys(workflows).filter((type) => !recorded.has(type));
    assert.deepEqual(missing, [], `record histories for: ${missing.join(', ')} (RECORD_HISTORIES=1 npm run test:only -- <end-to-end test>)`);
  });

  for (const fixture of fixtures) {
    test(`${fixture.name} (${fixture.workflowType}) replays without non-determinism`, async () => {
      // fromObject, not the SDK's JSON reader: the JSON reader trips over two protobufjs copies in the tree.
      const history = temporal.api.history.v1.History.fromObject(fixture.history as Record<string, unknown>);
      await Worker.runReplayHistory({ workflowBundle: { codePath: requireEnv('WORKFLOW_BUNDLE_PATH') } }, history, fixture.name);
    });
  }
});
