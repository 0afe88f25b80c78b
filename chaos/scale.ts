/**
 * The chaos suite's scale and fault settings, from the environment. The defaults are the full
 * scale; a quick run for iteration is e.g.
 * `CHAOS_YEARS=5 CHAOS_PERMITS_PER_COUNTY=600 CHAOS_LEADS=150 CHAOS_DB_OUTAGE_SECONDS=20 npm run chaos`.
 */
export interface ChaosScale {
  years: number;
  permitsPerCounty: number;
  counties: string[];
  regions: string[];
  models: Array<{ make: string; model: string }>;
  leads: number;
  workerKills: number;
  dbOutageSeconds: number;
  seed: number;
  /** Give up waiting for the work to finish after this long (a stuck run is a failure, not a hang). */
  timeoutMinutes: number;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${raw})`);
  return value;
}

function list(env: NodeJS.ProcessEnv, name: string, fallback: string): string[] {
  const items = (env[name] ?? fallback).split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`${name} must list at least one item`);
  return items;
}

export function chaosScale(env: NodeJS.ProcessEnv = process.env): ChaosScale {
  return {
    years: positiveInteger(env, 'CHAOS_YEARS', 30),
    permitsPerCounty: positiveInteger(env, 'CHAOS_PERMITS_PER_COUNTY', 5000),
    counties: list(env, 'CHAOS_COUNTIES', 'CHAOS-NORTH,CHAOS-SOUTH').map((agency) => agency.toUpperCase()),
    regions: list(env, 'CHAOS_REGIONS', '24,14'),
    models: list(env, 'CHAOS_MODELS', 'Kia:Rio,Dacia:Sandero,Suzuki:Swift').map((entry) => {
      const [make = '', model = ''] = entry.split(':').map((part) => part.trim());
      if (!make || !model) throw new Error(`CHAOS_MODELS: ${entry} is not make:model`);
      return { make, model };
    }),
    leads: positiveInteger(env, 'CHAOS_LEADS', 1000),
    workerKills: positiveInteger(env, 'CHAOS_WORKER_KILLS', 3, 0),
    dbOutageSeconds: positiveInteger(env, 'CHAOS_DB_OUTAGE_SECONDS', 180, 0),
    seed: positiveInteger(env, 'CHAOS_SEED', 1),
    timeoutMinutes: positiveInteger(env, 'CHAOS_TIMEOUT_MINUTES', 90),
  };
}

/** The faults the simulators serve in the chaos run (none in the baseline). */
export const SOURCE_FAULT_RATES = { serverError: 0.1, rateLimited: 0.05, timeout: 0.02 } as const;
export const MALFORMED_SHARE = 0.01;
export const ACCELA_TOKEN_EXPIRY_SECONDS = 20;
