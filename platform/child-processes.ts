import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config/settings';
import { logger } from './logger';

/** When and how often a child that died is started again (README, Supervision). */
export interface RestartPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** This many unexpected exits within `giveUpWindowMs` and the child is not started again. */
  giveUpExits: number;
  giveUpWindowMs: number;
}

export function restartPolicy(settings: Settings): RestartPolicy {
  return {
    initialBackoffMs: settings.SUPERVISOR_BACKOFF_INITIAL_SECONDS * 1000,
    maxBackoffMs: settings.SUPERVISOR_BACKOFF_MAX_SECONDS * 1000,
    giveUpExits: settings.SUPERVISOR_GIVE_UP_EXITS,
    giveUpWindowMs: settings.SUPERVISOR_GIVE_UP_WINDOW_SECONDS * 1000,
  };
}

/** The wait before restarting a child that exited `recentExits` times within the window: doubling, capped. */
export function restartDelayMs(policy: RestartPolicy, recentExits: number): number {
  return Math.min(policy.initialBackoffMs * 2 ** (recentExits - 1), policy.maxBackoffMs);
}

export type ChildState = 'starting' | 'running' | 'restarting' | 'given-up' | 'stopped';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: string;
}

export interface ChildStatus {
  name: string;
  state: ChildState;
  /** The stack cannot work without it: health reports it as critical once given up. */
  critical: boolean;
  pid?: number;
  restarts: number;
  lastExit?: ChildExit;
  /** Why the supervisor stopped starting it, once it has. */
  reason?: string;
}

export interface ChildOptions extends SpawnOptions {
  /** The child sends an IPC message once it serves (again, after a restart); until then it is starting. */
  signalsReady?: boolean;
  critical?: boolean;
  /** Called with every incarnation, the first and each restart. */
  onSpawn?: (child: ChildProcess) => void;
}

interface StopStep {
  name: string;
  stop(graceMs: number): Promise<void>;
}

/**
 * What this process started (dev server, embedded PostgreSQL, simulators, workers, connections),
 * stopped in reverse start order on shutdown: workers before the servers they talk to. Child
 * processes get SIGTERM first and SIGKILL after a grace period, so nothing is left behind. A child
 * that dies on its own is started again with backoff, until it dies too often (`RestartPolicy`).
 */
export class ProcessSupervisor {
  private readonly steps: StopStep[] = [];
  private readonly children: SupervisedChild[] = [];

  constructor(
    private readonly logDir: string,
    private readonly policy: RestartPolicy,
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  spawn(name: string, command: string, args: string[], options: ChildOptions = {}): SupervisedChild {
    const logFile = createWriteStream(path.join(this.logDir, `${name}.log`), { flags: 'a' });
    const child = new SupervisedChild(name, command, args, options, this.policy, logFile);
    this.children.push(child);
    this.steps.push({ name, stop: (graceMs) => child.stop(graceMs) });
    return child;
  }

  /** Registers something else to stop at shutdown, in the same reverse order. */
  defer(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop: () => stop() });
  }

  statuses(): ChildStatus[] {
    return this.children.map((child) => child.status());
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    // From here on a child that exits is stopping, not crashing, whichever step is running.
    for (const child of this.children) child.shuttingDown();
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      await step.stop(graceMs).catch((error) => logger.warn({ err: error, step: step.name }, 'stop step failed'));
    }
  }
}

/** One supervised child across its incarnations. */
export class SupervisedChild {
  /** The first incarnation's IPC ready message (spawn, for children that send none); rejects if it exits first. */
  readonly ready: Promise<unknown>;
  private readyOnce!: { resolve: (message: unknown) => void; reject: (error: Error) => void };
  private current!: ChildProcess;
  private state: ChildState = 'starting';
  private everReady = false;
  private stopping = false;
  private restarts = 0;
  private recentExits: number[] = [];
  private lastExit?: ChildExit;
  private reason?: string;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    private readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly options: ChildOptions,
    private readonly policy: RestartPolicy,
    private readonly logFile: WriteStream,
  ) {
    this.ready = new Promise((resolve, reject) => (this.readyOnce = { resolve, reject }));
    // A caller that does not wait for readiness must not see an unhandled rejection.
    this.ready.catch(() => undefined);
    this.launch();
  }

  status(): ChildStatus {
    const alive = this.current.exitCode === null && this.current.signalCode === null;
    return {
      name: this.name,
      state: this.state,
      critical: this.options.critical ?? false,
      ...(alive ? { pid: this.current.pid } : {}),
      restarts: this.restarts,
      ...(this.lastExit ? { lastExit: this.lastExit } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
    };
  }

  shuttingDown(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
  }

  async stop(graceMs: number): Promise<void> {
    this.shuttingDown();
    await stopProcess(this.name, this.current, graceMs);
    this.state = 'stopped';
    this.logFile.end();
  }

  private launch(): void {
    const { signalsReady, critical: _critical, onSpawn, ...spawnOptions } = this.options;
    // Detached: a terminal's Ctrl-C reaches only the parent, which then stops children in order.
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...spawnOptions });
    // Every incarnation appends to the same log file, which stays open until the child is stopped.
    child.stdout?.pipe(this.logFile, { end: false });
    child.stderr?.pipe(this.logFile, { end: false });
    this.current = child;
    onSpawn?.(child);
    if (signalsReady) child.once('message', (message) => this.becameReady(child, message));
    else this.becameReady(child, undefined);
    child.once('exit', (code, signal) => this.exited(code, signal));
  }

  private becameReady(child: ChildProcess, message: unknown): void {
    if (child !== this.current || this.stopping) return;
    this.state = 'running';
    if (this.everReady) {
      logger.info({ child: this.name, restarts: this.restarts }, `${this.name} is running again`);
      return;
    }
    this.everReady = true;
    this.readyOnce.resolve(message);
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.lastExit = { code, signal, at: new Date().toISOString() };
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (this.stopping) {
      this.state = 'stopped';
      logger.debug({ child: this.name, code, signal }, 'child process exited');
      return;
    }
    if (!this.everReady) {
      // A start-up failure (port taken, bad configuration) would fail the same way again: the caller decides.
      this.state = 'given-up';
      this.reason = `exited with ${how} during start-up`;
      this.readyOnce.reject(new Error(`${this.name} ${this.reason}; see ${this.logFile.path}`));
      return;
    }
    const now = Date.now();
    this.recentExits = [...this.recentExits.filter((at) => now - at < this.policy.giveUpWindowMs), now];
    if (this.recentExits.length >= this.policy.giveUpExits) {
      this.state = 'given-up';
      this.reason =
        `exited ${this.recentExits.length} times within ${this.policy.giveUpWindowMs / 1000} s ` +
        `(last with ${how}); not restarted again`;
      logger.error({ child: this.name, code, signal, restarts: this.restarts }, `${this.name} ${this.reason}`);
      return;
    }
    const delayMs = restartDelayMs(this.policy, this.recentExits.length);
    this.state = 'restarting';
    logger.warn(
      { child: this.name, code, signal, restartInMs: delayMs },
      `${this.name} exited unexpectedly with ${how}; restarting in ${delayMs} ms`,
    );
    this.restartTimer = setTimeout(() => {
      this.restarts += 1;
      this.launch();
    }, delayMs);
  }
}

async function stopProcess(name: string, child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    logger.warn({ name }, `did not stop within ${graceMs} ms; killing`);
    child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
