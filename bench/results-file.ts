import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Prints a benchmark's figures and saves them as bench/results/<name>.json with the machine it ran on. */
export function reportBenchmark(name: string, figures: Record<string, unknown>): void {
  const dir = process.env.BENCH_RESULTS_DIR ?? path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const record = {
    benchmark: name,
    measured_at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    figures,
  };
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(JSON.stringify(record, null, 2));
}
