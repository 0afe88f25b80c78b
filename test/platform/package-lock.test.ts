import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

interface LockedPackage {
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const lock = JSON.parse(readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
};

/** Where Node would find `name` from the package at `location`: its own node_modules, then each parent's. */
function resolve(location: string, name: string): string | undefined {
  let base = location;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/**
 * `npm ci` refuses a lock that differs from the tree npm would compute; a lock written where some
 * platform packages were missing (once: @swc/core's macOS and Windows builds) lists only a few of
 * a package's optional dependencies, and `npm install` elsewhere adds the rest. Every dependency,
 * optional ones included (whatever the platform), must have its entry.
 */
describe('package-lock.json', () => {
  it('has an entry for every dependency of every locked package, each platform\'s optional builds included', () => {
    assert.equal(lock.lockfileVersion, 3);
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      if (entry.link) continue;
      const required = { ...entry.dependencies, ...entry.optionalDependencies };
      for (const name of Object.keys(required)) {
        if (!resolve(location, name)) missing.push(`${location || '(root)'} → ${name}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
