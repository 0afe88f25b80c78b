/** What one probe of an external source found. `authenticated` is null where the source needs no credentials. */
export interface SourceProbeResult {
  reachable: boolean;
  authenticated: boolean | null;
  message: string;
}

/** One probe's latest result, as health reports it. */
export interface SourceCheck extends SourceProbeResult {
  source: string;
  /** What was probed: `county 12 (Pinellas)`, a base URL's host, a CRM location. */
  target: string;
  last_checked: string;
  response_time_ms: number;
}

export type SourcesStatus = 'healthy' | 'degraded' | 'unknown';

/**
 * The status of the external sources as one health component: unknown until the first round of
 * checks has finished, healthy when every probed source answered and accepted its credentials,
 * degraded otherwise (never down: the platform itself still works, runs wait and retry).
 */
export function sourcesStatus(checks: readonly SourceCheck[], roundsCompleted: number): { status: SourcesStatus; message: string } {
  if (roundsCompleted === 0) return { status: 'unknown', message: 'first check of the external sources under way' };
  if (checks.length === 0) return { status: 'healthy', message: 'no external source configured' };
  const failing = checks.filter((check) => !check.reachable || check.authenticated === false);
  if (failing.length === 0) return { status: 'healthy', message: `${checks.length} external sources reachable and authenticated` };
  const described = failing.map((check) => `${check.source} ${check.target}: ${check.reachable ? 'credentials refused' : 'unreachable'}`);
  return { status: 'degraded', message: described.join('; ') };
}
