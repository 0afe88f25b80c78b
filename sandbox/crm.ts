import { ConfigurationError } from '../config/settings';
import { SecretBox } from '../platform/encryption';
import { configureCrmUnlessConfigured } from '../services/crm/config';
import { syncPendingLeads } from '../services/crm/sync';
import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../simulators/highlevel/server';
import { demoPullFinished } from './accela';
import { openDataDemoPullsFinished } from './open-data';
import type { SandboxSeeder } from './seed-demo';

/**
 * Points the CRM sync at the HighLevel simulator (unless someone configured it already), waits for the
 * demo counties' permit pulls to make their leads (the auto-sync follows only weekly incremental pulls), then syncs
 * every pending lead through the CRM sync workflow, started as `POST /api/leads/sync-to-summit` starts it.
 */
export const crmSandboxSeeder: SandboxSeeder = {
  name: 'highlevel',
  async seed(context) {
    const { settings, db, temporal, queues } = context;
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
    return `${configured}; syncing ${pending} pending leads${waited ? ' of the demo pulls' : ''} (${workflowId})`;
  },
};
