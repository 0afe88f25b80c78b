import type { Settings } from '../../config/settings';
import type { Database } from '../../platform/database';
import { listCountiesFreshness } from '../permits/county-freshness';
import { type ComponentHealth, withTimeout } from './health-components';

/**
 * The counties' data freshness (`data_status`, docs/permits.md): degraded while a county's pulls are failing or its
 * data is stale, naming each; a county never pulled yet is counted, not held against the platform. Medium priority:
 * the pipelines go on, and the next scheduled pull may well fix it.
 */
export async function checkDataFreshness(db: Database, settings: Pick<Settings, 'ACCELA_INCREMENTAL_INTERVAL_DAYS'>): Promise<ComponentHealth> {
  try {
    const counties = await withTimeout(listCountiesFreshness({ db, settings }), 'the data freshness check');
    const count = (status: string) => counties.filter((county) => county.data_status === status).length;
    const details = {
      current: count('current'), stale: count('stale'), failing: count('failing'), never_pulled: count('never_pulled'),
      counties: counties.map((county) => ({ id: county.id, name: county.name, platform: county.platform, data_status: county.data_status, reason: county.data_status_reason })),
    };
    const behind = counties.filter((county) => county.data_status === 'stale' || county.data_status === 'failing');
    if (behind.length > 0) {
      const message = behind.map((county) => `county ${county.id} (${county.name}) ${county.data_status}: ${county.data_status_reason}`).join('; ');
      return { status: 'degraded', priority: 'medium', message, details };
    }
    if (counties.length === 0) return { status: 'healthy', priority: 'medium', message: 'no county configured', details };
    return { status: 'healthy', priority: 'medium', message: `${details.current} counties current, ${details.never_pulled} not pulled yet`, details };
  } catch (error) {
    return { status: 'unknown', priority: 'medium', message: `could not check the data freshness: ${error instanceof Error ? error.message : String(error)}` };
  }
}
