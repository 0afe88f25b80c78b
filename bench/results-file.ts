import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchmarkSummary, SummaryRow } from './summary-table';

function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? path.join(__dirname, 'results');
}

/**
 * Prints a benchmark's figures and saves them as bench/results/<name>.json with the machine it ran on and
 * its load. `summary` holds the rows `npm run bench` prints in its closing table.
 */
export function reportBenchmark(name: string, figures: Record<string, unknown>, summary: readonly SummaryRow[] = []): void {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const record = {
    benchmark: name,
    measured_at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version, load_average: os.loadavg() },
    figures,
    summary,
  };
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(JSON.stringify(record, null, 2));
}

/** The summary a saved result holds, or null when the file is missing or older than `since`. */
export function readBenchmarkSummary(name: string, since: Date): BenchmarkSummary | null {
  let record: { benchmark: string; measured_at: string; machine?: { load_average?: number[] }; summary?: SummaryRow[] };
  try {
    record = JSON.parse(readFileSync(path.join(resultsDir(), `${name}.json`), 'utf8'));
  } catch {
    return null;
  }
  if (new Date(record.measured_at) < since) return null;
  return { benchmark: record.benchmark, measuredAt: record.measured_at, loadAverage: record.machine?.load_average, rows: record.summary ?? [] };
}
