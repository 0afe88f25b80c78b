/** What one probe of an external source found. `authenticated` is null where the source needs no credentials. */
export interface SourceProbeResult {
  reachable: boolean;
  authenticated: boolean | null;
  message: string;
  /** An open-data county's mapped columns its source no longer lists: its pulls would fail. */
  missing_columns?: string[];
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
 * checks has finished, healthy when every probed source answered, accepted its credentials and
 * (open-data counties) still lists every mapped column,
 * degraded otherwise (never down: the platform itself still works, runs wait and retry).
 */
export function sourcesStatus(checks: readonly SourceCheck[], roundsCompleted: number): { status: SourcesStatus; message: string } {
  if (roundsCompleted === 0) return { status: 'unknown', message: 'first check of the external sources under way' };
  if (checks.length === 0) return { status: 'healthy', message: 'no external source configured' };
  const failing = checks.filter((check) => !check.reachable || check.authenticated === false || (check.missing_columns?.length ?? 0) > 0);
  if (failing.length === 0) return { status: 'healthy', message: `${checks.length} external sources reachable and authenticated` };
  const problem = (check: SourceCheck) =>
    !check.reachable ? 'unreachable' : check.authenticated === false ? 'credentials refused' : `mapped columns missing (${check.missing_columns!.join(', ')})`;
  const described = failing.map((check) => `${check.source} ${check.target}: ${problem(check)}`);
  return { status: 'degraded', message: described.join('; ') };
}
