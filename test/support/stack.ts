import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../platform/free-port';
import { waitFor } from './wait-for';

const ROOT = path.resolve(__dirname, '..', '..');

export interface StackPorts {
  api: number;
  temporal: number;
  ui: number;
  postgres: number;
}

export interface RunningStack {
  child: ChildProcess;
  output: () => string;
}

/** A data folder of its own (reachable by the postgres user when run as root) and free ports. */
export async function stackFolderAndPorts(): Promise<{ dataDir: string; ports: StackPorts }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'prospector-stack-'));
  await chmod(dataDir, 0o755);
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), postgres: await freePort() };
  return { dataDir, ports };
}

/** `npm start` as a user runs it (scripts/start-stack.ts), in a data folder of its own. */
export function startStack(dataDir: string, ports: StackPorts, extraEnv: NodeJS.ProcessEnv = {}): RunningStack {
  let output = '';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SOURCES: 'real',
    API_PORT: String(ports.api),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    EMBEDDED_POSTGRES_PORT: String(ports.postgres),
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'API_KEYS', 'ENCRYPTION_KEY', 'WORKFLOW_BUNDLE_PATH']) delete env[key];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start-stack.ts')], { cwd: ROOT, env });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

/** Waits for `pattern` in the output; with the process that prints it, fails as soon as that process has exited. */
export async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs: number, printer?: ChildProcess): Promise<RegExpMatchArray> {
  const matchOrExit = () => {
    const match = read().match(pattern);
    if (!match && printer && (printer.exitCode !== null || printer.signalCode !== null)) {
      throw new Error(`the process exited (${printer.exitCode ?? printer.signalCode}) before printing ${pattern}`);
    }
    return match;
  };
  return waitFor(`${pattern} in the output`, matchOrExit, { timeoutMs, intervalMs: 250 }).catch((error: Error) => {
    throw new Error(`${error.message}; output:\n${read()}`);
  });
}

/** Every process whose command line mentions the data folder: the dev server, PostgreSQL, workers. */
export async function processesUsing(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await allPids()) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(dataDir)) found.push(`${pid}: ${commandLine.replace(/\0/g, ' ').slice(0, 120)}`);
  }
  return found;
}

/** The pid of a direct child of `parentPid` whose command line contains `fragment`, if one runs. */
export async function childPid(parentPid: number, fragment: string): Promise<number | undefined> {
  for (const pid of await allPids()) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name: state, ppid, …
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent !== parentPid) continue;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(fragment)) return Number(pid);
  }
  return undefined;
}

async function allPids(): Promise<string[]> {
  return (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
}

export async function stopStack(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/**
 * The stack's own components all healthy. `sources` is left out: a stack in real mode cannot reach
 * the external sources from a test machine, and health rightly reports them degraded.
 */
export function ownComponentsUnhealthy(components: Record<string, { status: string }>): string[] {
  return Object.entries(components)
    .filter(([name, component]) => name !== 'sources' && component.status !== 'healthy')
    .map(([name, component]) => `${name}: ${component.status}`);
}
