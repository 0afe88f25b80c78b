import path from 'node:path';
import { z } from 'zod';
import { highlevelSettings } from './highlevel-settings';
import { cepikSettings } from './cepik-settings';
import { accelaSettings } from './accela-settings';
import { autotraderSettings } from './autotrader-settings';
import { openDataSettings } from './open-data-settings';

/**
 * Every setting Prospector reads from the environment, with its default.
 * The README's configuration table mirrors this schema; keep them in step.
 */
const optionalUrl = z.url().optional();
const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

export const settingsSchema = z.object({
  DATA_DIR: z.string().default(path.resolve(__dirname, '..', 'data')),
  SOURCES: z.enum(['sandbox', 'real']).default('real'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_KEYS: csv,
  API_MAX_BODY_BYTES: z.coerce.number().int().min(1).default(1_048_576),
  // Browser origins (scheme://host[:port]) allowed to call the API, or `*` for any (then without credentials).
  CORS_ORIGINS: csv.pipe(z.array(z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/?#\s]+$/, 'expected scheme://host[:port] or *')]))),
  ENCRYPTION_KEY: z.string().optional(),
  DATABASE_URL: optionalUrl,
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TASK_QUEUE_PREFIX: z.string().default('prospector'),
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(30),
  HTTP_ACTIVITY_CONCURRENCY: z.coerce.number().int().min(1).default(8),
  BROWSER_ACTIVITY_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  // V8 otherwise lets a busy worker's heap grow far past its live data (see docs/permits.md, Benchmark).
  WORKER_MAX_OLD_SPACE_MB: z.coerce.number().int().min(64).default(256),
  // V8's young generation: smaller semi-spaces scavenge more often but keep a busy worker's RSS down.
  WORKER_MAX_SEMI_SPACE_MB: z.coerce.number().int().min(1).max(64).default(8),
  // Workflow runs kept in a worker's sticky cache (each holds its own isolate context, about 1–2 MB).
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(100),
  // Restarts of the children `npm start` supervises (platform/child-processes.ts).
  SUPERVISOR_BACKOFF_INITIAL_SECONDS: z.coerce.number().min(0).default(1),
  SUPERVISOR_BACKOFF_MAX_SECONDS: z.coerce.number().min(0).default(30),
  SUPERVISOR_GIVE_UP_EXITS: z.coerce.number().int().min(1).default(5),
  SUPERVISOR_GIVE_UP_WINDOW_SECONDS: z.coerce.number().min(0).default(60),
  CEPIK_BASE_URL: z.url().default('https://api.cepik.gov.pl'),
  ACCELA_API_URL: z.url().default('https://apis.accela.com'),
  ACCELA_AUTH_URL: z.url().default('https://auth.accela.com'),
  AUTOTRADER_BASE_URL: z.url().default('https://www.autotrader.co.uk'),
  HIGHLEVEL_BASE_URL: z.url().default('https://services.leadconnectorhq.com'),
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_BASE_PORT: z.coerce.number().int().min(1).max(65000).default(4100),
  ...accelaSettings,
  ...openDataSettings,
  ...highlevelSettings,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // Unset: readable lines on a terminal, JSON otherwise (platform/logger.ts).
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  // External sources' health (services/platform/source-health.ts) is checked in the background this often.
  HEALTH_SOURCES_INTERVAL_SECONDS: z.coerce.number().min(1).default(60),
  // A worker process in its own process (not under the API) serves its Prometheus metrics on this port.
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ...cepikSettings,
  ...autotraderSettings,
});

export type Settings = z.infer<typeof settingsSchema>;

/** The external URLs a pipeline talks to; sandbox mode points them at the local simulators. */
export const sourceUrlKeys = [
  'CEPIK_BASE_URL',
  'ACCELA_API_URL',
  'ACCELA_AUTH_URL',
  'AUTOTRADER_BASE_URL',
  'HIGHLEVEL_BASE_URL',
  'ALERT_WEBHOOK_URL',
] as const;
export type SourceUrlKey = (typeof sourceUrlKeys)[number];

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** Parses settings, naming each invalid variable instead of failing later with a vague error. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // An empty variable (`FOO=`) means "not set", as it does for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * How a worker process loads the TypeScript sources: tsx's CommonJS hook alone. `--import tsx` registers its ESM
 * hooks as well, which Node runs on a loader thread with a V8 isolate of its own: about 20 MB of an idle worker's
 * RSS (208–212 MB against 188 MB, docs/permits.md). The sources compile to CommonJS either way; the packages the
 * workers import dynamically (Playwright) are JavaScript, which Node loads without a hook.
 */
export const WORKER_TYPESCRIPT_LOADER = ['--require', 'tsx/cjs'] as const;

/** Node options of a worker process (and of a benchmark hosting workers): its V8 heap sizes. */
export function workerNodeOptions(settings: Pick<Settings, 'WORKER_MAX_OLD_SPACE_MB' | 'WORKER_MAX_SEMI_SPACE_MB'>): string[] {
  return [`--max-old-space-size=${settings.WORKER_MAX_OLD_SPACE_MB}`, `--max-semi-space-size=${settings.WORKER_MAX_SEMI_SPACE_MB}`];
}
