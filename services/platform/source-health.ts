import { setTimeout as delay } from 'node:timers/promises';
import type { Settings } from '../../config/settings';
import { AccelaApiError } from '../../clients/accela/errors';
import { type SourceCheck, type SourceProbeResult, sourcesStatus } from '../../domain/operations/source-health';
import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';
import { logger } from '../../platform/logger';
import { crmConfigSummary, testCrmConnection } from '../crm/config';
import { checkCountySource, testCountyConnection } from '../permits/counties';
import { credentialsRefused, describeMissingColumns } from '../permits/open-data-connection';
import { listCounties } from '../../stores/permits/county-store';
import type { ComponentHealth } from './health-components';

/** One thing to probe: a county's Accela agency, a site, a CRM account. */
export interface SourceProbe {
  source: string;
  target: string;
  probe(): Promise<SourceProbeResult>;
}

export interface SourceProbeContext {
  settings: Settings;
  db: Database;
  secrets: SecretBox;
}

/** A source's probes, listed afresh every round (counties come and go). */
export type SourceProbeProvider = (context: SourceProbeContext) => Promise<SourceProbe[]>;

/** A probe that has not answered within this long counts as unreachable. */
export const SOURCE_PROBE_TIMEOUT_MS = 10_000;

/**
 * Any HTTP answer below 500 from the source's base URL: reachable (a site may well refuse a bare
 * request, as AutoTrader's bot wall does); these sources need no credentials of ours.
 */
function httpReachability(source: string, baseUrl: string): SourceProbe {
  return {
    source,
    target: new URL(baseUrl).host,
    async probe() {
      try {
        const response = await fetch(baseUrl, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(SOURCE_PROBE_TIMEOUT_MS) });
        await response.body?.cancel();
        if (response.status >= 500) return { reachable: false, authenticated: null, message: `HTTP ${response.status}` };
        return { reachable: true, authenticated: null, message: `HTTP ${response.status}` };
      } catch (error) {
        return { reachable: false, authenticated: null, message: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

/**
 * Every county's source, probed with its connection test: an Accela agency with a token and one records call, a
 * Socrata dataset or ArcGIS layer with its metadata against the field mapping (which records the source's
 * last-modified time on the county for its data freshness).
 */
export const countySources: SourceProbeProvider = async (context) =>
  (await listCounties(context.db)).map((county) => ({
    source: county.platform,
    target: `county ${county.id} (${String(county.name)})`,
    async probe(): Promise<SourceProbeResult> {
      if (county.platform !== 'accela') {
        const check = await checkCountySource(context, county);
        // A refused token is the county's to fix; any other failure (unknown dataset, 5xx, no answer) leaves the source unreadable.
        if (!check.connected) {
          return credentialsRefused(check.error)
            ? { reachable: true, authenticated: false, message: check.error.message }
            : { reachable: false, authenticated: null, message: check.error.message };
        }
        const message = `metadata and count answered (${check.recordsSeen} records)`;
        if (check.missingColumns.length > 0) {
          return { reachable: true, authenticated: true, missing_columns: check.missingColumns, message: `${message}; mapped columns missing: ${describeMissingColumns(check.mapping, check.missingColumns)}` };
        }
        return { reachable: true, authenticated: true, message };
      }
      try {
        const outcome = await testCountyConnection(context, county.id);
        if (outcome.success) return { reachable: true, authenticated: true, message: `records call answered (${outcome.records_seen} records)` };
        return { reachable: true, authenticated: false, message: `${outcome.error_code}: ${outcome.error_message}` };
      } catch (error) {
        const authenticated = error instanceof AccelaApiError && error.kind === 'auth' ? false : null;
        return { reachable: error instanceof AccelaApiError && error.httpStatus !== null, authenticated, message: error instanceof Error ? error.message : String(error) };
      }
    },
  }));

/** The HighLevel account, once configured: one authenticated read. */
const highLevelAccount: SourceProbeProvider = async (context) => {
  const config = await crmConfigSummary(context);
  if (!config.configured) return [];
  return [
    {
      source: 'highlevel',
      target: `location ${config.locationId}`,
      async probe() {
        const test = await testCrmConnection(context);
        if (test.ok) return { reachable: true, authenticated: true, message: test.message };
        const refused = test.status === 401 || test.status === 403;
        return { reachable: test.status !== null, authenticated: refused ? false : null, message: test.message };
      },
    },
  ];
};

/** Every external source's probes; a new source adds its provider here. */
export const sourceProbeProviders: SourceProbeProvider[] = [
  countySources,
  async ({ settings }) => [httpReachability('cepik', settings.CEPIK_BASE_URL)],
  async ({ settings }) => [httpReachability('autotrader', settings.AUTOTRADER_BASE_URL)],
  highLevelAccount,
];

async function boundedProbe(probe: SourceProbe, timeoutMs: number): Promise<SourceCheck> {
  const started = performance.now();
  const abandon = new AbortController();
  const timedOut = delay(timeoutMs, undefined, { signal: abandon.signal }).then(
    (): SourceProbeResult => ({ reachable: false, authenticated: null, message: `did not answer within ${timeoutMs} ms` }),
  );
  const result = await Promise.race([
    probe.probe().catch((error: unknown): SourceProbeResult => ({ reachable: false, authenticated: null, message: String(error) })),
    timedOut,
  ]);
  abandon.abort();
  timedOut.catch(() => undefined);
  return {
    source: probe.source,
    target: probe.target,
    ...result,
    last_checked: new Date().toISOString(),
    response_time_ms: Math.round(performance.now() - started),
  };
}

/**
 * Checks the external sources in the background, one round every interval, and keeps the latest
 * results: a health request reads them and never waits on a source (a hung one is cut off after
 * `timeoutMs` inside the round, not in the request).
 */
export class SourceHealthMonitor {
  private checks: SourceCheck[] = [];
  private rounds = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly context: SourceProbeContext,
    private readonly options: { intervalMs: number; timeoutMs?: number; providers?: SourceProbeProvider[] },
  ) {}

  /** Starts the first round now and one every interval after the previous one ended. */
  start(): this {
    void this.checkNow();
    return this;
  }

  /** One round of checks; a round already running is shared. */
  checkNow(): Promise<void> {
    this.round ??= this.runRound().finally(() => {
      this.round = undefined;
      if (!this.stopped) this.timer = setTimeout(() => void this.checkNow(), this.options.intervalMs).unref();
    });
    return this.round;
  }

  private async runRound(): Promise<void> {
    clearTimeout(this.timer);
    const providers = this.options.providers ?? sourceProbeProviders;
    const timeoutMs = this.options.timeoutMs ?? SOURCE_PROBE_TIMEOUT_MS;
    const listed = await Promise.all(
      providers.map((provider) =>
        provider(this.context).catch((error: unknown) => {
          logger.warn({ err: error }, 'could not list the probes of an external source');
          return [];
        }),
      ),
    );
    this.checks = await Promise.all(listed.flat().map((probe) => boundedProbe(probe, timeoutMs)));
    this.rounds += 1;
  }

  /** The cached result as a health component (medium priority: pipelines wait and retry). */
  component(): ComponentHealth {
    const { status, message } = sourcesStatus(this.checks, this.rounds);
    const lastChecked = this.checks.map((check) => check.last_checked).sort().at(-1) ?? null;
    return {
      status,
      priority: 'medium',
      message,
      details: { last_checked: lastChecked, interval_seconds: this.options.intervalMs / 1000, checks: this.checks },
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }
}
