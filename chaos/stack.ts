import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../platform/embedded-postgres';
import { freePort } from '../platform/free-port';
import { childPid } from '../test/support/stack';
import { CLIENT_TIMEOUT_MS } from './simulators';

const ROOT = path.resolve(__dirname, '..');
export const CHAOS_API_KEY = 'chaos-api-key-0000000000000000';

/**
 * The stack `npm start` runs (scripts/start-stack.ts: supervised workers and Temporal dev server with its
 * SQLite state, the API), in a data folder of its own, on a PostgreSQL this runner starts and can stop
 * for an outage (the stack is given it as DATABASE_URL, as in production). The pipelines point at the
 * runner's simulators.
 */
export class ChaosStack {
  private database!: EmbeddedDatabase;
  private child!: ChildProcess;
  private output = '';
  readonly apiUrl: string;
  readonly temporalAddress: string;

  private constructor(
    readonly dataDir: string,
    private readonly ports: { api: number; temporal: number; ui: number; postgres: number },
  ) {
    this.apiUrl = `http://127.0.0.1:${ports.api}`;
    this.temporalAddress = `127.0.0.1:${ports.temporal}`;
  }

  static async start(sourceEnv: Record<string, string>): Promise<ChaosStack> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'prospector-chaos-'));
    await chmod(dataDir, 0o755);
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), postgres: await freePort() };
    const stack = new ChaosStack(dataDir, ports);
    await stack.startDatabase();
    stack.spawnStack(sourceEnv);
    await stack.waitForOutput(/Prospector is running/, 300_000);
    return stack;
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  async startDatabase(): Promise<void> {
    this.database = await startEmbeddedPostgres(path.join(this.dataDir, 'chaos-db'), this.ports.postgres);
  }

  async stopDatabase(): Promise<void> {
    await this.database.stop();
  }

  private spawnStack(sourceEnv: Record<string, string>): void {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...sourceEnv,
      SOURCES: 'real',
      DATA_DIR: this.dataDir,
      DATABASE_URL: this.database.url,
      API_PORT: String(this.ports.api),
      API_KEYS: CHAOS_API_KEY,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TEMPORAL_DEV_PORT: String(this.ports.temporal),
      TEMPORAL_UI_PORT: String(this.ports.ui),
      LOG_LEVEL: 'info',
      CRM_AUTO_SYNC: 'false',
      ACCELA_REQUEST_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS.accela),
      CEPIK_REQUEST_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS.cepik),
      HIGHLEVEL_REQUEST_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS.highlevel),
      AUTOTRADER_PAGE_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS.autotraderPage),
      CEPIK_RATE_LIMIT_PER_SECOND: '20',
      CEPIK_RATE_LIMITED_WAIT_SECONDS: '1',
      CEPIK_LIMIT_REACHED_WAIT_SECONDS: '1',
      CEPIK_REPORT_WAIT_SECONDS: '1',
      SCRAPING_DELAY: '0.2',
    };
    for (const key of ['TEMPORAL_ADDRESS', 'WORKFLOW_BUNDLE_PATH']) delete env[key];
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start-stack.ts')], { cwd: ROOT, env });
    this.child.stdout?.on('data', (chunk) => (this.output += chunk));
    this.child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`the stack exited (${this.child.exitCode}):\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} from the stack within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The pid of the supervised child whose command line contains `fragment`. */
  async childPid(fragment: string): Promise<number | undefined> {
    return childPid(this.child.pid!, fragment);
  }

  /** The stack's own log lines (pino JSON) since it started. */
  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await this.database.stop().catch(() => undefined);
    if (!process.env.CHAOS_KEEP_DATA) await rm(this.dataDir, { recursive: true, force: true });
  }
}
