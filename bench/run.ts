import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadSettings, workerNodeOptions } from '../config/settings';
import { startEphemeralInfrastructure } from '../platform/ephemeral-infrastructure';
import { readBenchmarkSummary } from './results-file';
import { renderSummaryTable, type BenchmarkSummary } from './summary-table';

const BENCH_DIR = __dirname;
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/**
 * `npm run bench [name…]`: every `bench/*.bench.ts` (or the named ones) in turn, one at a time so
 * they do not compete for the two cores, on a shared Temporal dev server and PostgreSQL. Each
 * benchmark prints its figures and writes them to bench/results/<name>.json; the run ends with one table of
 * every benchmark's summary figures, each beside its target and the reference measured in the same run.
 */
async function main() {
  const wanted = process.argv.slice(2);
  const benches = readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
    .sort();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const settings = loadSettings();
  const infrastructure = await startEphemeralInfrastructure();
  let failed = 0;
  const summaries: BenchmarkSummary[] = [];
  try {
    for (const file of benches) {
      const started = new Date();
      console.log(`\n=== ${file}`);
      // Benchmarks host their workers in-process: give them the worker processes' heap sizes.
      const result = spawnSync(process.execPath, [...workerNodeOptions(settings), '--import', 'tsx', path.join(BENCH_DIR, file)], {
        stdio: 'inherit',
        env: { ...infrastructure.childEnv(), BENCH_RESULTS_DIR: RESULTS_DIR },
      });
      if (result.status !== 0) failed += 1;
      const summary = readBenchmarkSummary(file.replace(/\.bench\.ts$/, ''), started);
      if (summary) summaries.push(summary);
    }
  } finally {
    await infrastructure.stop();
  }
  if (summaries.length > 0) console.log(`\n${renderSummaryTable(summaries)}`);
  console.log(`\n${benches.length - failed} benchmarks completed, ${failed} failed; results in ${RESULTS_DIR}`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
