import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';

export const HISTORY_FIXTURES_DIR = path.resolve(__dirname, '..', 'replay', 'histories');

/**
 * Saves a finished workflow's history as a replay fixture when RECORD_HISTORIES=1 (the end-to-end
 * tests call it after their runs). The replay test then replays every fixture against the current
 * workflow code, so a change that breaks determinism fails the suite. Histories hold ids, cursors
 * and counts only.
 */
export async function recordHistory(client: Client, workflowId: string, fixtureName: string, runId?: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORY_FIXTURES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORY_FIXTURES_DIR, `${fixtureName}.json`), `${JSON.stringify(history, null, 1)}\n`);
}
