import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');

/** The packages a fresh process has loaded after importing these modules (as the worker process does, in order). */
function packagesLoadedBy(modules: readonly string[]): string[] {
  const script = `${modules.map((module) => `require(${JSON.stringify(path.join(ROOT, module))});`).join('')}
    const names = new Set(Object.keys(require.cache).map((key) => key.match(/node_modules\\/((@[^/]+\\/)?[^/]+)/)?.[1]).filter(Boolean));
    console.log(JSON.stringify([...names]));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

describe('what a worker process loads', { timeout: 120_000 }, () => {
  it('leaves out the workflow bundler, Playwright and the migrator', () => {
    const loaded = packagesLoadedBy(['workers/without-bundler.ts', 'workers/create-workers.ts', 'platform/browser.ts', 'platform/database.ts']);
    assert.ok(loaded.includes('@temporalio/worker'), 'the SDK itself is loaded');
    for (const left of ['webpack', 'memfs', 'playwright-core', 'node-pg-migrate']) assert.ok(!loaded.includes(left), `${left} is not loaded`);
  });

  it('would load webpack without the stand-in (so the check above can fail)', () => {
    assert.ok(packagesLoadedBy(['workers/create-workers.ts']).includes('webpack'));
  });
});
