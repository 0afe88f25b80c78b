import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { logger } from './logger';

interface StopStep {
  name: string;
  stop(graceMs: number): Promise<void>;
}

/**
 * What this process started (dev server, embedded PostgreSQL, simulators, workers, connections),
 * stopped in reverse start order on shutdown: workers before the servers they talk to. Child
 * processes get SIGTERM first and SIGKILL after a grace period, so nothing is left behind.
 */
export class ProcessSupervisor {
  private readonly steps: StopStep[] = [];

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  spawn(name: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const logFile = createWriteStream(path.join(this.logDir, `${name}.log`), { flags: 'a' });
    // Detached: a terminal's Ctrl-C reaches only this process, which then stops children in order.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
    child.stdout?.pipe(logFile);
    child.stderr?.pipe(logFile);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => logger.debug({ name, code, signal }, 'child process exited'));
    this.steps.push({ name, stop: (graceMs) => stopProcess(name, child, exited, graceMs) });
    return child;
  }

  /** Registers something else to stop at shutdown, in the same reverse order. */
  defer(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop: () => stop() });
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      await step.stop(graceMs).catch((error) => logger.warn({ err: error, step: step.name }, 'stop step failed'));
    }
  }
}

async function stopProcess(name: string, child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    logger.warn({ name }, `did not stop within ${graceMs} ms; killing`);
    child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
