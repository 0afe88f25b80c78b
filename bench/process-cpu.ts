import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes from /proc/<pid>/stat (Linux), in seconds, for the benchmarks' "per CPU-second"
 * figures. A process tree counts its live members plus what its members' exited children used (cutime,
 * cstime): PostgreSQL backends come and go during a run.
 */
const CLOCK_TICKS_PER_SECOND = 100;

interface ProcStat { pid: number; ppid: number; ownTicks: number; reapedChildTicks: number }

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const number = (field: number) => Number(fields[field - 3]);
  return { pid, ppid: number(4), ownTicks: number(14) + number(15), reapedChildTicks: number(16) + number(17) };
}

function allStats(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== null);
}

/** CPU seconds used so far by `root` and every live descendant (and the children they reaped). */
export function processTreeCpuSeconds(root: number): number {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const rootStat = stats.find((stat) => stat.pid === root);
  if (!rootStat) return 0;
  let ticks = 0;
  const pending = [rootStat];
  while (pending.length > 0) {
    const stat = pending.pop()!;
    ticks += stat.ownTicks + stat.reapedChildTicks;
    pending.push(...(children.get(stat.pid) ?? []));
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** The oldest process whose command line contains every one of `parts` (e.g. a server and its port). */
export function findProcess(parts: readonly string[]): number | null {
  const matches = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const commandLine = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
        return parts.every((part) => commandLine.includes(part));
      } catch {
        return false;
      }
    })
    .map(Number)
    .sort((a, b) => a - b);
  return matches[0] ?? null;
}

/** Resident set size now and its high-water mark, in MB, from /proc/<pid>/status. */
export function residentMemoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
