import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { waitFor } from '../support/wait-for';
import {
  childPid,
  ownComponentsUnhealthy,
  processesUsing,
  type RunningStack,
  stackFolderAndPorts,
  startStack,
  stopStack,
  waitForOutput,
} from '../support/stack';

interface Component {
  status: string;
  message: string;
  details?: Record<string, { state: string; restarts: number; pid?: number; last_exit?: { code: number | null; signal: string | null } }>;
}
interface Health {
  status: string;
  components: Record<string, Component>;
}

/** A warn-level (pino level 40) line of the stack's own log about one child. */
const warnedAbout = (child: string, detail: string) => new RegExp(`"level":40[^\\n]*"child":"${child}"[^\\n]*${detail}`);

describe('npm start supervises its children', { timeout: 420_000 }, () => {
  let dataDir: string;
  let stack: RunningStack;
  let base: string;
  let apiKey: string;
  let databaseUrl: string;
  let temporalAddress: string;

  const health = async (): Promise<Health> => ((await (await fetch(`${base}/api/health`)).json()) as { data: Health }).data;
  /** A workflow through the workers to PostgreSQL and back. */
  const selfTestStatus = async () =>
    (await fetch(`${base}/api/platform/self-test`, { method: 'POST', headers: { 'x-api-key': apiKey } })).status;

  before(async () => {
    const folder = await stackFolderAndPorts();
    dataDir = folder.dataDir;
    base = `http://127.0.0.1:${folder.ports.api}`;
    temporalAddress = `127.0.0.1:${folder.ports.temporal}`;
    databaseUrl = `postgres://postgres:postgres@127.0.0.1:${folder.ports.postgres}/prospector`;
    stack = startStack(dataDir, folder.ports);
    apiKey = (await waitForOutput(stack.output, /API key:\s+(\S+)/, 180_000, stack.child))[1]!;
    const first = await health();
    assert.deepEqual(ownComponentsUnhealthy(first.components), [], JSON.stringify(first.components));
  });
  after(async () => {
    if (stack) await stopStack(stack.child);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('passes the worker container healthcheck of docker-compose.yml: a fresh heartbeat from this host', async () => {
    const env = { ...process.env, DATABASE_URL: databaseUrl };
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', 'workers/healthcheck.ts'], { cwd: path.resolve(__dirname, '..', '..'), env }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    assert.match(output, /serving: .*workflows/);
  });

  it('restarts the worker process after kill -9, says so at warn and reports the restart in health', async () => {
    const killed = await childPid(stack.child.pid!, 'workers/main.ts');
    assert.ok(killed, 'the stack runs a worker process');
    process.kill(killed, 'SIGKILL');

    await waitForOutput(stack.output, warnedAbout('workers', '"signal":"SIGKILL"'), 30_000);
    const restarted = await waitFor('a new worker process', async () => {
      const pid = await childPid(stack.child.pid!, 'workers/main.ts');
      return pid !== undefined && pid !== killed ? pid : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    const recovered = await waitFor('workers healthy again', async () => {
      const report = await health();
      return report.components.workers?.status === 'healthy' ? report : undefined;
    }, { timeoutMs: 90_000, intervalMs: 1_000 });
    const workers = recovered.components.processes?.details?.workers;
    assert.equal(workers?.state, 'running', JSON.stringify(recovered.components.processes));
    assert.equal(workers?.restarts, 1);
    assert.equal(workers?.pid, restarted);
    assert.deepEqual(workers?.last_exit && { code: workers.last_exit.code, signal: workers.last_exit.signal }, { code: null, signal: 'SIGKILL' });
    assert.equal(recovered.components.processes?.status, 'healthy');
    assert.equal(await selfTestStatus(), 200, 'the restarted worker runs workflows');
  });

  it('restarts embedded PostgreSQL after kill -9 of its postmaster, on the same data and port', async () => {
    const postmasterPid = Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    assert.ok(postmasterPid > 0);
    process.kill(postmasterPid, 'SIGKILL');

    await waitForOutput(stack.output, warnedAbout('postgres', '"code":1'), 30_000);
    const counties = await waitFor('the API answering from PostgreSQL again', async () => {
      const response = await fetch(`${base}/api/counties`, { headers: { 'x-api-key': apiKey } }).catch(() => undefined);
      return response?.status === 200 ? response : undefined;
    }, { timeoutMs: 90_000, intervalMs: 1_000 });
    assert.equal(((await counties.json()) as { success: boolean }).success, true);
    const report = await health();
    assert.equal(report.components.database?.status, 'healthy', JSON.stringify(report.components.database));
    const postgres = report.components.processes?.details?.postgres;
    assert.equal(postgres?.state, 'running', JSON.stringify(report.components.processes));
    assert.equal(postgres?.restarts, 1);
    assert.equal(await selfTestStatus(), 200, 'the workers use the restarted PostgreSQL');
  });

  it('restarts the Temporal dev server after kill -9, resuming from its SQLite state', async () => {
    const before = await fetch(`${base}/api/platform/self-test`, { method: 'POST', headers: { 'x-api-key': apiKey } });
    const { workflow_id: earlierWorkflowId } = ((await before.json()) as { data: { workflow_id: string } }).data;
    const serverPid = Number(await readFile(path.join(dataDir, 'temporal', 'server.pid'), 'utf8'));
    assert.ok(serverPid > 0);
    process.kill(serverPid, 'SIGKILL');

    await waitForOutput(stack.output, warnedAbout('temporal', '"signal":"SIGKILL"'), 30_000);
    await waitFor('a self-test through the restarted server', async () => (await selfTestStatus()) === 200, {
      timeoutMs: 90_000,
      intervalMs: 1_000,
    });
    const report = await health();
    assert.equal(report.components.processes?.details?.temporal?.restarts, 1, JSON.stringify(report.components.processes));
    assert.equal(report.components.temporal?.status, 'healthy');
    assert.notEqual(Number(await readFile(path.join(dataDir, 'temporal', 'server.pid'), 'utf8')), serverPid, 'the pid file follows');
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const described = await new Client({ connection }).workflow.getHandle(earlierWorkflowId).describe();
      assert.equal(described.status.name, 'COMPLETED', 'a workflow from before the kill is still known');
    } finally {
      await connection.close();
    }
  });

  it('does not restart children that stop during an orderly shutdown, and leaves nothing behind', async () => {
    const stoppingAt = stack.output().length;
    assert.equal(await stopStack(stack.child), 0);
    assert.doesNotMatch(stack.output().slice(stoppingAt), /restarting/);
    assert.deepEqual(await processesUsing(dataDir), []);
  });
});
