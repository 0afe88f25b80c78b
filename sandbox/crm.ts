import { ConfigurationError } from '../config/settings';
import { SecretBox } from '../platform/encryption';
import { logger } from '../platform/logger';
import { configureCrmUnlessConfigured } from '../services/crm/config';
import { crmSyncStatus, syncPendingLeads } from '../services/crm/sync';
import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../simulators/highlevel/server';
import { demoPullFinished } from './accela';
import { openDataDemoPullsFinished } from './open-data';
import type { SandboxSeeder } from './seed-demo';

const SEEDER_NAME = 'highlevel';

/**
 * Points the CRM sync at the HighLevel simulator (unless someone configured it already), waits for the
 * demo counties' permit pulls to make their leads (the auto-sync follows only weekly incremental pulls), then syncs
 * every pending lead through the CRM sync workflow, started as `POST /api/leads/sync-to-summit` starts it, and says
 * when that sync is over.
 *
 * The sync starts after the pulls rather than with their first leads: a 30-year pull runs several years at once, so a
 * lead made early can still change tier or stop being a lead when a newer HVAC permit of its property arrives, and a
 * lead synced by then would keep the contact's old tier tag (a synced lead goes back to pending only when its owner
 * changes).
 */
export const crmSandboxSeeder: SandboxSeeder = {
  name: SEEDER_NAME,
  async seed(context) {
    const { settings, db, temporal, queues, startedAt } = context;
    if (!settings.ENCRYPTION_KEY) throw new ConfigurationError('ENCRYPTION_KEY is needed to store the HighLevel token');
    const secrets = SecretBox.fromBase64(settings.ENCRYPTION_KEY);
    const { configuredBefore } = await configureCrmUnlessConfigured(
      { db, secrets },
      { apiToken: HIGHLEVEL_SIMULATOR_TOKEN, locationId: HIGHLEVEL_SIMULATOR_LOCATION },
    );
    const configured = configuredBefore ? 'HighLevel configuration kept' : `HighLevel configured for the simulator (location ${HIGHLEVEL_SIMULATOR_LOCATION})`;
    const waited = (await Promise.all([demoPullFinished(context), openDataDemoPullsFinished(context)])).some(Boolean);
    const { pending, workflowId } = await syncPendingLeads({ db, temporal, queues });
    if (pending === 0) return `${configured}; no pending leads to sync`;
    logger.info({ seeder: SEEDER_NAME }, `${configured}; syncing ${pending} pending leads${waited ? ' of the demo pulls' : ''} (${workflowId})`);
    await temporal.workflow.getHandle(workflowId).result();
    return demoLeadsSyncOutcome((await crmSyncStatus({ db, temporal })).counts, Date.now() - startedAt.getTime());
  },
};

/**
 * The line that tells a sandbox user the CRM sync of the demo leads is over: all leads with a phone or email synced, or
 * what is left. Leads with neither are skipped by the sync (open data names no owner contact), so they are counted apart.
 */
export function demoLeadsSyncOutcome(counts: Record<'pending' | 'synced' | 'failed' | 'skipped', number>, sinceStartMs: number): string {
  const since = `+${Math.round(sinceStartMs / 1000)} s after start`;
  const skipped = counts.skipped > 0 ? `; ${counts.skipped} leads without a phone or email skipped` : '';
  if (counts.pending === 0 && counts.failed === 0) {
    return `all ${counts.synced} demo leads with a phone or email synced to the CRM simulator (${since})${skipped}`;
  }
  return (
    `${counts.synced} demo leads synced to the CRM simulator (${since}), ${counts.failed} failed, ${counts.pending} still pending` +
    `${skipped}; see GET /api/summit/sync-status`
  );
}
