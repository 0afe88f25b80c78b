import type { Settings } from '../../config/settings';
import { dataFreshness, type Freshness } from '../../domain/permits/freshness';
import type { Database } from '../../platform/database';
import { loadPullHistories } from '../../stores/permits/county-freshness-store';
import { type CountyRow, listCounties } from '../../stores/permits/county-store';

export interface FreshnessContext {
  db: Pick<Database, 'query'>;
  /** Freshness is judged against the schedule's interval between incremental pulls. */
  settings: Pick<Settings, 'ACCELA_INCREMENTAL_INTERVAL_DAYS'>;
}

export type CountyFreshness = Freshness & { lastSuccessfulPullAt: Date | null; sourceModifiedAt: Date | null };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Each county's data freshness as of now, from its pull history and the source's last-modified time it last showed. */
export async function countiesFreshness(context: FreshnessContext, rows: readonly CountyRow[]): Promise<Map<number, CountyFreshness>> {
  const histories = await loadPullHistories(context.db, rows.map((row) => Number(row.id)));
  const now = new Date();
  const pullIntervalMs = context.settings.ACCELA_INCREMENTAL_INTERVAL_DAYS * DAY_MS;
  return new Map(rows.map((row) => {
    const history = histories.get(Number(row.id)) ?? { lastSuccessfulPull: null, lastFailedPullAt: null };
    const sourceModifiedAt = (row.source_modified_at ?? null) as Date | null;
    const freshness = dataFreshness({ ...history, sourceModifiedAt, now, pullIntervalMs });
    return [Number(row.id), { ...freshness, lastSuccessfulPullAt: history.lastSuccessfulPull?.finishedAt ?? null, sourceModifiedAt }];
  }));
}

/** Every county's data status, for health: its name and platform beside it. */
export async function listCountiesFreshness(context: FreshnessContext & { db: Database }) {
  const rows = await listCounties(context.db);
  const freshness = await countiesFreshness(context, rows);
  return rows.map((row) => {
    const { status, reason } = freshness.get(Number(row.id))!;
    return { id: Number(row.id), name: String(row.name), platform: row.platform, data_status: status, data_status_reason: reason };
  });
}
