import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { ownComponentsUnhealthy, processesUsing, stackFolderAndPorts, startStack, stopStack, waitForOutput } from '../support/stack';

describe('npm start: the whole stack in one command', { timeout: 300_000 }, () => {
  let dataDir: string;
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('comes up healthy, stops every process on SIGTERM and reuses its state when started again', async () => {
    const folder = await stackFolderAndPorts();
    dataDir = folder.dataDir;
    const ports = folder.ports;

    const first = startStack(dataDir, ports);
    const apiKey = (await waitForOutput(first.output, /API key:\s+(\S+)/, 180_000))[1]!;
    const base = `http://127.0.0.1:${ports.api}`;
    const health = (await (await fetch(`${base}/api/health`)).json()) as { data: { status: string; components: Record<string, { status: string; priority: string }> } };
    assert.deepEqual(ownComponentsUnhealthy(health.data.components), [], JSON.stringify(health.data.components));
    assert.equal(health.data.components.sources?.priority, 'medium', 'the external sources are reported, checked in the background');
    assert.equal((await fetch(`http://127.0.0.1:${ports.ui}/`)).status, 200, 'Temporal Web UI answers');
    assert.equal((await fetch(`${base}/docs`)).status, 200);
    const selfTest = await fetch(`${base}/api/platform/self-test`, { method: 'POST', headers: { 'x-api-key': apiKey } });
    const { data } = (await selfTest.json()) as { data: { workflow_id: string } };
    assert.equal(selfTest.status, 200);

    assert.equal(await stopStack(first.child), 0);
    assert.deepEqual(await processesUsing(dataDir), [], 'no process is left behind');

    const second = startStack(dataDir, ports);
    assert.equal((await waitForOutput(second.output, /API key:\s+(\S+)/, 180_000))[1], apiKey, 'the generated key is kept');
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const described = await new Client({ connection }).workflow.getHandle(data.workflow_id).describe();
      assert.equal(described.status.name, 'COMPLETED', 'the first run\'s workflow survived the restart');
    } finally {
      await connection.close();
    }
    assert.equal(await stopStack(second.child), 0);
    assert.deepEqual(await processesUsing(dataDir), []);
  });
});
