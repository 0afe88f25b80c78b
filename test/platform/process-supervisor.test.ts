import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '../../config/settings';
import {
  type ChildOptions,
  type ChildStatus,
  ProcessSupervisor,
  restartDelayMs,
  type RestartPolicy,
  restartPolicy,
} from '../../platform/child-processes';
import { checkProcesses, overallStatus } from '../../services/platform/health-components';
import { waitFor } from '../support/wait-for';

const FAST: RestartPolicy = { initialBackoffMs: 20, maxBackoffMs: 50, giveUpExits: 4, giveUpWindowMs: 10_000 };
const IPC: ChildOptions = { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] };
/** A node child that sends its ready message and then serves until killed. */
const SERVES = "process.send({ type: 'ready', pid: process.pid }); setInterval(() => undefined, 1000)";

describe('ProcessSupervisor', () => {
  let logDir: string;
  const supervisors: ProcessSupervisor[] = [];
  const supervisor = (policy = FAST) => {
    const created = new ProcessSupervisor(logDir, policy);
    supervisors.push(created);
    return created;
  };
  before(async () => {
    logDir = await mkdtemp(path.join(os.tmpdir(), 'prospector-supervisor-'));
  });
  after(async () => {
    for (const created of supervisors) await created.stopAll(2_000);
    await rm(logDir, { recursive: true, force: true });
  });

  it('restarts a dying child with doubling, capped backoff and gives up after too many exits in the window', async () => {
    const spawnedAt: number[] = [];
    const crashing = supervisor().spawn('crashing', process.execPath, ['-e', 'process.exit(3)'], {
      onSpawn: () => spawnedAt.push(Date.now()),
    });
    const status = await waitFor('the supervisor to give up', () => crashing.status().state === 'given-up' && crashing.status());
    assert.equal(status.restarts, 3, 'four incarnations: the first and three restarts');
    assert.equal(status.lastExit?.code, 3);
    assert.match(status.reason ?? '', /exited 4 times within 10 s \(last with code 3\)/);
    const gaps = spawnedAt.slice(1).map((at, index) => at - spawnedAt[index]!);
    assert.deepEqual(gaps.map((gap, index) => gap >= [20, 40, 50][index]!), [true, true, true], `gaps ${gaps}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(spawnedAt.length, 4, 'not started again after giving up');
  });

  it('waits 1 s after an exit by default, doubling per recent exit up to 30 s', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((exits) => restartDelayMs(restartPolicy(loadSettings({})), exits));
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
  });

  it('counts a restarted child as running once it sends ready again', async () => {
    const child = supervisor().spawn('serving', process.execPath, ['-e', SERVES], { ...IPC, signalsReady: true });
    const first = (await child.ready) as { pid: number };
    assert.equal(child.status().state, 'running');
    process.kill(first.pid, 'SIGKILL');
    const restarted = await waitFor('a running second incarnation', () => {
      const status = child.status();
      return status.restarts === 1 && status.state === 'running' && status;
    }, { timeoutMs: 10_000 });
    assert.notEqual(restarted.pid, first.pid);
    assert.deepEqual({ code: restarted.lastExit?.code, signal: restarted.lastExit?.signal }, { code: null, signal: 'SIGKILL' });
  });

  it('reports a child that exits before it is ready as a start-up failure, without restarting it', async () => {
    const child = supervisor().spawn('broken', process.execPath, ['-e', 'process.exit(2)'], { ...IPC, signalsReady: true });
    await assert.rejects(child.ready, /broken exited with code 2 during start-up/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(child.status().restarts, 0);
    assert.equal(child.status().state, 'given-up');
  });

  it('does not restart children stopped by an orderly shutdown', async () => {
    const stopping = supervisor();
    const child = stopping.spawn('serving', process.execPath, ['-e', SERVES], { ...IPC, signalsReady: true });
    await child.ready;
    await stopping.stopAll(2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(child.status().state, 'stopped');
    assert.equal(child.status().restarts, 0);
  });
});

describe('health of the supervised processes', () => {
  const child = (name: string, state: ChildStatus['state'], extra: Partial<ChildStatus> = {}): ChildStatus => ({
    name,
    state,
    critical: false,
    restarts: 0,
    ...extra,
  });

  it('is healthy while every child runs, and counts restarts', () => {
    const health = checkProcesses([child('postgres', 'running', { critical: true }), child('workers', 'running', { restarts: 2 })]);
    assert.equal(health.status, 'healthy');
    assert.match(health.message, /2 supervised processes running; 2 restarts so far/);
    assert.equal((health.details?.workers as { restarts: number }).restarts, 2);
  });

  it('is degraded while a child restarts', () => {
    const health = checkProcesses([child('workers', 'restarting', { lastExit: { code: null, signal: 'SIGKILL', at: 'now' } })]);
    assert.equal(health.status, 'degraded');
    assert.match(health.message, /workers \(restarting\)/);
  });

  it('is down with the reason once the supervisor gave up, critical for PostgreSQL', () => {
    const reason = 'exited 5 times within 60 s (last with code 1); not restarted again';
    const workers = checkProcesses([child('postgres', 'running', { critical: true }), child('workers', 'given-up', { reason })]);
    assert.deepEqual([workers.status, workers.priority, workers.message], ['down', 'high', `workers ${reason}`]);
    assert.equal(overallStatus({ processes: workers }), 'degraded');
    const postgres = checkProcesses([child('postgres', 'given-up', { critical: true, reason })]);
    assert.deepEqual([postgres.status, postgres.priority], ['down', 'critical']);
    assert.equal(overallStatus({ processes: postgres }), 'down');
  });
});
