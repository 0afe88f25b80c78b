import type { Database } from '../platform/database';
import { api } from './workload';
import type { FaultOutcome, PlannedFault } from './plan';
import type { ChaosStack } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows the pipelines have written so far: grows while any work makes progress. */
export async function progressCount(db: Database): Promise<number | null> {
  try {
    const result = await db.query(`SELECT
      (SELECT count(*) FROM permits) + (SELECT count(*) FROM permit_pull_pages) + (SELECT count(*) FROM vehicle_registrations)
      + (SELECT count(*) FROM registration_pull_members) + (SELECT count(*) FROM listings) + (SELECT coalesce(sum(pages), 0) FROM scrape_runs)
      + (SELECT count(*) FROM leads WHERE sync_status <> 'pending') + (SELECT count(*) FROM deal_alerts WHERE webhook_status = 'sent') AS n`);
    return Number(result.rows[0].n);
  } catch {
    return null; // the database is down
  }
}

async function healthy(stack: ChaosStack): Promise<boolean> {
  try {
    const answer = await api(stack.apiUrl, 'GET', '/api/health');
    return answer.status === 200 && answer.body?.data?.status === 'healthy';
  } catch {
    return false;
  }
}

/**
 * Recovered: the stack reports itself healthy (database, Temporal, every task queue served by a live
 * worker), then the pipelines write something again. When nothing is written within two minutes the
 * work may simply be done: the health time counts, with a note.
 */
async function measureRecovery(stack: ChaosStack, db: Database, from: number, isDone: () => Promise<boolean>): Promise<{ seconds: number; note?: string }> {
  while (!(await healthy(stack))) {
    if (Date.now() - from > 15 * 60_000) return { seconds: (Date.now() - from) / 1000, note: 'never healthy again within 15 min' };
    await sleep(250);
  }
  const healthyAt = Date.now();
  const before = await progressCount(db);
  while (Date.now() - healthyAt < 120_000) {
    const now = await progressCount(db);
    if (before !== null && now !== null && now > before) return { seconds: (Date.now() - from) / 1000 };
    if (await isDone()) return { seconds: (healthyAt - from) / 1000, note: 'healthy; the work had finished' };
    await sleep(250);
  }
  return { seconds: (healthyAt - from) / 1000, note: 'healthy, but no progress within 120 s' };
}

async function killChild(stack: ChaosStack, fragment: string, what: string): Promise<number> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const pid = await stack.childPid(fragment);
    if (pid) {
      process.kill(pid, 'SIGKILL');
      return pid;
    }
    await sleep(500); // being restarted by the supervisor right now
  }
  throw new Error(`no ${what} process to kill`);
}

/**
 * Injects the planned faults in order, each at its time but never before the previous one recovered,
 * and measures each recovery. Stops injecting once the work is done (those faults are reported as not
 * injected).
 */
export async function injectFaults(options: {
  stack: ChaosStack;
  db: Database;
  plan: PlannedFault[];
  startedAt: number;
  dbOutageSeconds: number;
  isDone: () => Promise<boolean>;
  log: (line: string) => void;
}): Promise<FaultOutcome[]> {
  const { stack, db, startedAt, log } = options;
  const outcomes: FaultOutcome[] = [];
  const elapsed = () => (Date.now() - startedAt) / 1000;
  for (const fault of options.plan) {
    while (elapsed() < fault.atSeconds && !(await options.isDone())) await sleep(500);
    if (await options.isDone()) {
      outcomes.push({ ...fault, injectedAtSeconds: null, recoverySeconds: null, note: 'the work had finished' });
      continue;
    }
    const injectedAtSeconds = elapsed();
    let from = Date.now();
    let downSeconds: number | undefined;
    if (fault.kind === 'worker-kill') {
      const pid = await killChild(stack, 'workers/main.ts', 'worker');
      log(`t+${injectedAtSeconds.toFixed(0)} s: kill -9 worker process ${pid}`);
    } else if (fault.kind === 'temporal-restart') {
      const pid = await killChild(stack, 'start-dev', 'Temporal dev server');
      log(`t+${injectedAtSeconds.toFixed(0)} s: kill -9 Temporal dev server ${pid} (the supervisor starts it again on its SQLite file)`);
    } else {
      log(`t+${injectedAtSeconds.toFixed(0)} s: stopping PostgreSQL for ${options.dbOutageSeconds} s`);
      await stack.stopDatabase();
      await sleep(options.dbOutageSeconds * 1000);
      await stack.startDatabase();
      downSeconds = (Date.now() - from) / 1000;
      log(`t+${elapsed().toFixed(0)} s: PostgreSQL is back after ${downSeconds.toFixed(0)} s`);
      from = Date.now();
    }
    const recovery = await measureRecovery(stack, db, from, options.isDone);
    log(`  recovered in ${recovery.seconds.toFixed(1)} s${recovery.note ? ` (${recovery.note})` : ''}`);
    outcomes.push({ ...fault, injectedAtSeconds, ...(downSeconds !== undefined ? { downSeconds } : {}), recoverySeconds: recovery.seconds, ...(recovery.note ? { note: recovery.note } : {}) });
  }
  return outcomes;
}
