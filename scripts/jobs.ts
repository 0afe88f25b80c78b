import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { loadSettings } from '../config/settings';
import { FINISHED_STATUSES, type JobProgressFields, progressFrame } from '../domain/operations/job-progress';

const USAGE = `usage: npm run jobs -- watch <job id> [--interval <seconds>]
  Follows a permit pull job through the API (API_URL, default http://API_HOST:API_PORT; the key from
  API_KEYS or data/secrets/api-key) with a live progress bar; exits 0 when it completes, 1 otherwise.`;

const FORMAT = '{bar} {percentage}% | {pulled} pulled · {saved} saved | {rate} | ETA {remaining} | {state}';

export interface WatchOptions {
  apiUrl: string;
  apiKey: string;
  jobId: number;
  intervalMs: number;
  output: NodeJS.WritableStream;
}

async function fetchJob(options: WatchOptions): Promise<JobProgressFields> {
  const response = await fetch(`${options.apiUrl}/api/background-jobs/jobs/${options.jobId}`, { headers: { 'x-api-key': options.apiKey } });
  const body = (await response.json()) as { success: boolean; data?: JobProgressFields; error?: { message: string } };
  if (!response.ok || !body.data) throw new Error(`job ${options.jobId}: HTTP ${response.status}: ${body.error?.message ?? 'no job in the answer'}`);
  return body.data;
}

/** Polls the job and redraws the bar until the job has finished; returns its final status. */
export async function watchJob(options: WatchOptions): Promise<JobProgressFields['status']> {
  // Not a terminal (a pipe, a test): the bar is redrawn as one line per poll instead of in place.
  const bar = new SingleBar({ format: FORMAT, stream: options.output, noTTYOutput: true, notTTYSchedule: options.intervalMs, hideCursor: true, barsize: 30 });
  let job = await fetchJob(options);
  const first = progressFrame(job, new Date());
  bar.start(100, first.percent, first);
  while (!FINISHED_STATUSES.has(job.status)) {
    await delay(options.intervalMs);
    job = await fetchJob(options);
    const frame = progressFrame(job, new Date());
    bar.update(frame.percent, frame);
  }
  const frame = progressFrame(job, new Date());
  bar.update(job.status === 'completed' ? 100 : frame.percent, frame);
  bar.stop();
  return job.status;
}

function apiKeyFrom(env: NodeJS.ProcessEnv, dataDir: string): string {
  const configured = env.API_KEYS?.split(',')[0]?.trim();
  if (configured) return configured;
  return readFileSync(path.join(dataDir, 'secrets', 'api-key'), 'utf8').trim();
}

async function main(argv: string[]): Promise<number> {
  const [command, id, ...rest] = argv;
  const jobId = Number(id);
  if (command !== 'watch' || !Number.isInteger(jobId) || jobId <= 0) {
    console.error(USAGE);
    return 2;
  }
  const intervalFlag = rest.indexOf('--interval');
  const intervalSeconds = intervalFlag >= 0 ? Number(rest[intervalFlag + 1]) : 2;
  const settings = loadSettings();
  const status = await watchJob({
    apiUrl: process.env.API_URL ?? `http://${settings.API_HOST}:${settings.API_PORT}`,
    apiKey: apiKeyFrom(process.env, settings.DATA_DIR),
    jobId,
    intervalMs: Math.max(0.2, intervalSeconds) * 1000,
    output: process.stdout,
  });
  return status === 'completed' ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
