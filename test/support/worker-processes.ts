import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WORKER_TYPESCRIPT_LOADER } from '../../config/settings';
import type { Database } from '../../platform/database';
import { requireEnv } from './database';
import { waitFor } from './wait-for';
import { TEST_ENCRYPTION_KEY } from './encryption-key';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerProcesses {
  pids: number[];
  /** The largest resident set each process has had at a sample so far (MB). */
  peakRssMb(): number[];
  stop(): Promise<void>;
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * `count` worker processes as `npm start` runs them (`workers/main.ts`, each its own Node process, heap
 * limit and PostgreSQL pool) serving the roles given on the test's task queues (`prefix`). They talk to
 * each other through nothing but Temporal and PostgreSQL, so whatever holds across them holds across
 * machines.
 */
export async function startWorkerProcesses(options: {
  count: number;
  roles: string;
  taskQueuePrefix: string;
  databaseUrl: string;
  /** The same database: the processes are ready once each has sent its first heartbeat there. */
  db: Database;
  env?: Record<string, string>;
}): Promise<WorkerProcesses> {
  const children: ChildProcess[] = [];
  const peaks: number[] = [];
  for (let n = 0; n < options.count; n++) {
    const child = spawn(process.execPath, ['--max-old-space-size=256', ...WORKER_TYPESCRIPT_LOADER, path.join(REPO_ROOT, 'workers', 'main.ts')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        TASK_QUEUE_PREFIX: options.taskQueuePrefix,
        WORKER_ROLES: options.roles,
        LOG_LEVEL: 'warn',
        ...options.env,
      },
    });
    children.push(child);
    peaks.push(0);
  }
  const queue = `${options.taskQueuePrefix}-${options.roles.split(',')[0]!.trim()}`;
  await waitFor(
    `${options.count} worker processes to poll ${queue}`,
    async () => {
      const { rows } = await options.db.query<{ n: number }>('SELECT count(*)::int AS n FROM worker_heartbeats WHERE $1 = ANY(task_queues)', [queue]);
      return rows[0]!.n >= options.count;
    },
    { timeoutMs: 300_000, intervalMs: 500 },
  );
  const sampler = setInterval(() => children.forEach((child, i) => (peaks[i] = Math.max(peaks[i]!, rssMb(child.pid!)))), 500);
  return {
    pids: children.map((child) => child.pid!),
    peakRssMb: () => [...peaks],
    async stop() {
      clearInterval(sampler);
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
            }),
        ),
      );
    },
  };
}
