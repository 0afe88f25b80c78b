import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPool } from '../platform/database';
import { injectFaults } from './faults';
import { type FaultOutcome, faultTable, planFaults } from './plan';
import { type ChaosScale, chaosScale, SOURCE_FAULT_RATES } from './scale';
import { startChaosSimulators } from './simulators';
import { ChaosStack } from './stack';
import { type Check, verify, workIsDone } from './verify';
import { startWork } from './workload';

const RESULTS_DIR = process.env.CHAOS_RESULTS_DIR ?? path.join(__dirname, 'results');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface RunResult {
  faults: boolean;
  wallSeconds: number;
  finished: boolean;
  outcomes: FaultOutcome[];
  checks: Check[];
  servedFaults: unknown;
  loadAverage: { before: number; after: number; peak: number };
  supervisorRestarts: string[];
}

/**
 * One run on a fresh stack: start the simulators (with or without faults) and the stack, start all
 * the work at once, inject the planned process faults while it runs, wait until everything has ended,
 * then check every table against the simulators' ground truth.
 */
async function runOnce(scale: ChaosScale, faults: boolean, expectedSeconds: number): Promise<RunResult> {
  log(`${faults ? 'chaos run' : 'baseline run (no faults)'}: starting simulators and the stack`);
  const simulators = await startChaosSimulators(scale, faults);
  const stack = await ChaosStack.start(simulators.env);
  // Ctrl-C or SIGTERM mid-run still stops the stack, its PostgreSQL and the simulators.
  const interrupted = async () => {
    log('interrupted: stopping the stack');
    await stack.stop().catch(() => undefined);
    await simulators.close().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const db = createPool(stack.databaseUrl, { max: 3, applicationName: 'chaos-runner' });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const loadBefore = os.loadavg()[0]!;
  let loadPeak = loadBefore;
  const loadTimer = setInterval(() => (loadPeak = Math.max(loadPeak, os.loadavg()[0]!)), 5_000);
  try {
    // The daily scrape batches and weekly pulls are spread over the day: one firing mid-run would add
    // work the ground truth does not know about, and make runs differ by the time of day.
    for await (const schedule of client.schedule.list()) await client.schedule.getHandle(schedule.scheduleId).pause('chaos run: only the planned work');
    const startedAt = Date.now();
    const work = await startWork(stack.apiUrl, db, scale, simulators);
    log(`started ${work.counties.length} county pulls, ${work.reports.length} reports, ${work.scrapes.length} scrapes, a CRM sync of ${work.crm.leads.count} leads`);
    const isDone = () => workIsDone(db, client, work);
    const deadline = startedAt + scale.timeoutMinutes * 60_000;
    const plan = faults ? planFaults({ seed: scale.seed, expectedSeconds, workerKills: scale.workerKills, dbOutage: scale.dbOutageSeconds > 0 }) : [];
    if (plan.length) log(`fault plan: ${plan.map((fault) => `${fault.kind} at t+${fault.atSeconds} s`).join(', ')}`);
    const outcomes = await injectFaults({ stack, db, plan, startedAt, dbOutageSeconds: scale.dbOutageSeconds, isDone, log });
    let finished = false;
    while (Date.now() < deadline) {
      if (await isDone()) {
        finished = true;
        break;
      }
      await sleep(2_000);
    }
    const wallSeconds = (Date.now() - startedAt) / 1000;
    log(finished ? `all work ended after ${wallSeconds.toFixed(0)} s` : `work still running after ${scale.timeoutMinutes} min: checking what there is`);
    const checks = await verify(db, client, scale, simulators, work);
    // A child that died on its own (not killed by the plan) is a defect as much as a lost row.
    const killed = outcomes.filter((outcome) => outcome.injectedAtSeconds !== null && outcome.kind !== 'database-outage').length;
    const unexpectedExits = stack.log().split('\n').filter((line) => line.includes('exited unexpectedly')).length;
    checks.push({
      name: 'no process died beyond the injected kills',
      ok: unexpectedExits === killed,
      detail: `${unexpectedExits} unexpected exits seen by the supervisor for ${killed} kills`,
    });
    const supervisorRestarts = stack
      .log()
      .split('\n')
      .filter((line) => line.includes('exited unexpectedly') || line.includes('running again'))
      .map((line) => {
        try {
          return (JSON.parse(line) as { msg: string }).msg;
        } catch {
          return line;
        }
      });
    return {
      faults, wallSeconds, finished, outcomes, checks, servedFaults: simulators.servedFaults(), supervisorRestarts,
      loadAverage: { before: loadBefore, after: os.loadavg()[0]!, peak: loadPeak },
    };
  } finally {
    clearInterval(loadTimer);
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await connection.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await stack.stop().catch((error) => log(`stopping the stack: ${String(error)}`));
    await simulators.close();
  }
}

function printRun(run: RunResult): void {
  console.log(`\n=== ${run.faults ? 'Chaos run' : 'Baseline run (no faults)'}: ${run.wallSeconds.toFixed(0)} s${run.finished ? '' : ' (did NOT finish)'}`);
  if (run.faults) {
    console.log(faultTable(run.outcomes));
    console.log(`source faults served: ${JSON.stringify(run.servedFaults)}`);
  }
  for (const check of run.checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
}

/**
 * `npm run chaos [--no-faults | --faults-only]`: the baseline (no faults) and then the same work under
 * faults, each on a fresh stack; prints the fault table, the checks and both wall times, and writes
 * chaos/results/chaos.json. Scale and faults: chaos/scale.ts (CHAOS_* variables).
 */
async function main() {
  const args = new Set(process.argv.slice(2));
  const scale = chaosScale();
  log(`scale ${JSON.stringify(scale)}`);
  const runs: RunResult[] = [];
  if (!args.has('--faults-only')) {
    runs.push(await runOnce(scale, false, 0));
    printRun(runs[0]!);
  }
  if (!args.has('--no-faults')) {
    const expectedSeconds = runs[0]?.wallSeconds ?? Number(process.env.CHAOS_EXPECTED_SECONDS ?? 600);
    runs.push(await runOnce(scale, true, expectedSeconds));
    printRun(runs.at(-1)!);
  }
  const baseline = runs.find((run) => !run.faults);
  const chaos = runs.find((run) => run.faults);
  if (baseline && chaos) {
    console.log(`\nwall time: ${baseline.wallSeconds.toFixed(0)} s without faults, ${chaos.wallSeconds.toFixed(0)} s with faults (${(chaos.wallSeconds / baseline.wallSeconds).toFixed(2)} ×)`);
  }
  const failed = runs.flatMap((run) => run.checks.filter((check) => !check.ok).map((check) => `${run.faults ? 'chaos' : 'baseline'}: ${check.name}`));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const record = {
    measured_at: new Date().toISOString(),
    command: `npm run chaos ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: os.cpus().length, node: process.version, load_average_1m_at_start: runs[0]?.loadAverage.before },
    scale,
    source_fault_rates: SOURCE_FAULT_RATES,
    runs: runs.map((run) => ({
      faults: run.faults,
      wall_s: Number(run.wallSeconds.toFixed(1)),
      finished: run.finished,
      fault_outcomes: run.outcomes,
      source_faults_served: run.servedFaults,
      supervisor: run.supervisorRestarts,
      load_average_1m: run.loadAverage,
      checks: run.checks,
    })),
    failed_checks: failed,
  };
  writeFileSync(path.join(RESULTS_DIR, 'chaos.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\n${failed.length === 0 ? 'every check passed' : `${failed.length} checks FAILED: ${failed.join('; ')}`}; results in ${path.join(RESULTS_DIR, 'chaos.json')}`);
  process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
