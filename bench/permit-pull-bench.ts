import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { WORKER_TYPESCRIPT_LOADER } from '../config/settings';
import { permitYearWorkflowId } from '../workflows/permits/ids';
import type { SimulatorSpec } from './simulator-child';

/** What the permit-pull benchmarks share: the source at 20 ms per request, a 30-year pull, the workers' own process. */
export const PULL_BENCH_LATENCY_MS = 20;
export const PULL_BENCH_YEARS = 30;
export const PULL_BENCH_AGENCY = 'BENCH';

/** The Accela simulator of `npm run bench permits`: every permit mechanical (so all are pulled), no rate limit in reach. */
export function accelaBenchSimulator(permits: number): Extract<SimulatorSpec, { platform: 'accela' }> {
  return {
    platform: 'accela',
    options: { agency: PULL_BENCH_AGENCY, seed: 'bench', permitsPerAgency: permits, mechanicalShare: 1, latencyMs: PULL_BENCH_LATENCY_MS, rateLimit: { limit: 1_000_000, windowSeconds: 3600 } },
  };
}

/** workers/main.ts as production starts it (its node options, the prebuilt bundle of the run). */
export function startWorkerProcess(env: Record<string, string>, nodeOptions: string[]): ChildProcess {
  return fork(path.join(__dirname, '..', 'workers', 'main.ts'), [], {
    execArgv: [...nodeOptions, ...WORKER_TYPESCRIPT_LOADER],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** History events of each year workflow of a historical pull that ended this year. */
export async function yearHistoryEvents(client: Client, countyId: number, jobId: number, years: number): Promise<number[]> {
  const currentYear = new Date().getUTCFullYear();
  const events: number[] = [];
  for (let year = currentYear - years + 1; year <= currentYear; year++) {
    const history = await client.workflow.getHandle(permitYearWorkflowId(countyId, jobId, year)).fetchHistory();
    events.push(history.events?.length ?? 0);
  }
  return events;
}

export const round = (value: number) => Math.round(value * 100) / 100;
