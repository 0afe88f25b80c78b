import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../platform/free-port';

const ROOT = path.resolve(__dirname, '..', '..');

interface StackPorts {
  api: number;
  temporal: number;
  ui: number;
  postgres: number;
}

/** `npm start` as a user runs it (scripts/start-stack.ts), in a data folder of its own. */
function startStack(dataDir: string, ports: StackPorts): { child: ChildProcess; output: () => string } {
  let output = '';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SOURCES: 'real',
    API_PORT: String(ports.api),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    EMBEDDED_POSTGRES_PORT: String(ports.postgres),
    LOG_LEVEL: 'info',
  };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'API_KEYS', 'ENCRYPTION_KEY', 'WORKFLOW_BUNDLE_PATH']) delete env[key];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start-stack.ts')], { cwd: ROOT, env });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every process whose command line mentions the data folder: the dev server, PostgreSQL, workers. */
async function processesUsing(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(dataDir)) found.push(`${pid}: ${commandLine.replace(/\0/g, ' ').slice(0, 120)}`);
  }
  return found;
}

async function stopStack(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('npm start: the whole stack in one command', { timeout: 300_000 }, () => {
  let dataDir: string;
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('comes up healthy, stops every process on SIGTERM and reuses its state when started again', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'prospector-stack-'));
    await import('node:fs/promises').then((fs) => fs.chmod(dataDir, 0o755));
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), postgres: await freePort() };

    const first = startStack(dataDir, ports);
    const apiKey = (await waitForOutput(first.output, /API key:\s+(\S+)/, 180_000))[1]!;
    const base = `http://127.0.0.1:${ports.api}`;
    const health = (await (await fetch(`${base}/api/health`)).json()) as { data: { status: string; components: object } };
    assert.equal(health.data.status, 'healthy', JSON.stringify(health.data.components));
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
