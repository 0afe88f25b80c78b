import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pruneScreenshots } from '../../activities/listings/screenshots';

describe('failure screenshots', () => {
  it('are pruned after the retention period, newer ones kept', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'screenshots-'));
    try {
      const old = path.join(dir, 'old.png');
      const recent = path.join(dir, 'recent.png');
      writeFileSync(old, 'x');
      writeFileSync(recent, 'x');
      const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
      utimesSync(old, eightDaysAgo, eightDaysAgo);
      assert.equal(await pruneScreenshots(dir, 7), 1);
      assert.equal(existsSync(old), false);
      assert.equal(existsSync(recent), true);
      assert.equal(await pruneScreenshots(path.join(dir, 'missing'), 7), 0, 'no folder yet is fine');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
