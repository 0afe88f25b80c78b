import { seededUniform } from '../simulators/seeded-random';

/** The process-level faults of a chaos run (the sources' faults run all along, in the simulators). */
export type FaultKind = 'worker-kill' | 'temporal-restart' | 'database-outage';

export interface PlannedFault {
  kind: FaultKind;
  /** Seconds after the work started. */
  atSeconds: number;
}

export interface FaultOutcome extends PlannedFault {
  /** When it was actually injected (a fault waits for the previous one to recover), seconds after the start. */
  injectedAtSeconds: number | null;
  /** For the outage: how long PostgreSQL was down. */
  downSeconds?: number;
  /** From the fault (for the outage: from PostgreSQL back) to a healthy stack making progress again. */
  recoverySeconds: number | null;
  note?: string;
}

/**
 * Random points for the faults, seeded, within [10 %, 70 %] of the expected duration of the work (the
 * baseline's wall time) so each lands while work is in flight; the outage comes after the first kill.
 */
export function planFaults(options: { seed: number; expectedSeconds: number; workerKills: number; dbOutage: boolean }): PlannedFault[] {
  const draw = seededUniform(options.seed);
  const at = () => Math.round(options.expectedSeconds * (0.1 + 0.6 * draw()));
  const faults: PlannedFault[] = [];
  for (let kill = 0; kill < options.workerKills; kill++) faults.push({ kind: 'worker-kill', atSeconds: at() });
  faults.push({ kind: 'temporal-restart', atSeconds: at() });
  if (options.dbOutage) faults.push({ kind: 'database-outage', atSeconds: at() });
  return faults.sort((a, b) => a.atSeconds - b.atSeconds);
}

const seconds = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value.toFixed(1)} s`);

/** The fault → when → time to recover table, as printed. */
export function faultTable(outcomes: readonly FaultOutcome[]): string {
  const rows = outcomes.map((outcome) => [
    outcome.kind + (outcome.downSeconds !== undefined ? ` (${outcome.downSeconds.toFixed(0)} s down)` : ''),
    outcome.injectedAtSeconds === null ? 'not injected' : `t+${outcome.injectedAtSeconds.toFixed(0)} s`,
    seconds(outcome.recoverySeconds),
    outcome.note ?? '',
  ]);
  const header = ['fault', 'when', 'time to recover', 'note'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
