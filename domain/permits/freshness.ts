/**
 * How fresh a jurisdiction's permits are, from its pull history and the source's own last-modified time
 * (Socrata `rowsUpdatedAt`, the ArcGIS layer's `editingInfo.lastEditDate`; none for Accela, whose freshness
 * comes from the pulls alone).
 */
export type DataStatus = 'current' | 'stale' | 'failing' | 'never_pulled';

export interface PullHistory {
  /** The newest completed pull (historical or incremental): when it started and finished. */
  lastSuccessfulPull: { startedAt: Date; finishedAt: Date } | null;
  /** When the newest failed pull finished (cancelled pulls are an operator's choice, not a failure). */
  lastFailedPullAt: Date | null;
}

export interface FreshnessInput extends PullHistory {
  sourceModifiedAt: Date | null;
  now: Date;
  /** The schedule's interval between incremental pulls. */
  pullIntervalMs: number;
}

export interface Freshness {
  status: DataStatus;
  /** Why, in words an operator reads in health and on the county; null when current. */
  reason: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A scheduled pull starts up to a jitter late and may take hours: a day past the interval is still on time. */
export const PULL_SLACK_MS = DAY_MS;
/** A source that changed after our last pull began is caught by the next scheduled pull: stale only a day on. */
export const SOURCE_CHANGE_GRACE_MS = DAY_MS;

const days = (ms: number): string => `${Math.round((ms / DAY_MS) * 10) / 10} days`;

/**
 * failing: the newest finished pull failed (or every pull so far failed); never_pulled: no pull has finished;
 * stale: no successful pull within the interval plus slack, or the source changed after the last successful
 * pull began and that change is over a day old; current otherwise.
 */
export function dataFreshness(input: FreshnessInput): Freshness {
  const { lastSuccessfulPull: success, lastFailedPullAt: failedAt, sourceModifiedAt, now, pullIntervalMs } = input;
  if (failedAt && (!success || failedAt > success.finishedAt)) {
    return { status: 'failing', reason: `the last pull failed at ${failedAt.toISOString()}${success ? ` (last success ${success.finishedAt.toISOString()})` : ' and none has succeeded'}` };
  }
  if (!success) return { status: 'never_pulled', reason: 'no pull has finished yet' };
  const sinceSuccess = now.getTime() - success.finishedAt.getTime();
  if (sinceSuccess > pullIntervalMs + PULL_SLACK_MS) {
    return { status: 'stale', reason: `no successful pull for ${days(sinceSuccess)} (expected every ${days(pullIntervalMs)})` };
  }
  if (sourceModifiedAt && sourceModifiedAt > success.startedAt && now.getTime() - sourceModifiedAt.getTime() > SOURCE_CHANGE_GRACE_MS) {
    return { status: 'stale', reason: `the source changed at ${sourceModifiedAt.toISOString()}, after the last successful pull began (${success.startedAt.toISOString()})` };
  }
  return { status: 'current', reason: null };
}
