import { ConfigurationError } from '../config/settings';
import { SecretBox } from '../platform/encryption';
import { configureCrmUnlessConfigured } from '../services/crm/config';
import { syncPendingLeads } from '../services/crm/sync';
import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../simulators/highlevel/server';
import type { SandboxSeeder } from './seed-demo';

/**
 * Points the CRM sync at the HighLevel simulator (unless someone configured it already) and pushes
 * leads left pending by an earlier session; new leads arrive through the permit pipeline's auto-sync.
 */
export const crmSandboxSeeder: SandboxSeeder = {
  name: 'highlevel',
  async seed({ settings, db, temporal, queues }) {
    if (!settings.ENCRYPTION_KEY) throw new ConfigurationError('ENCRYPTION_KEY is needed to store the HighLevel token');
    const secrets = SecretBox.fromBase64(settings.ENCRYPTION_KEY);
    const { configuredBefore } = await configureCrmUnlessConfigured(
      { db, secrets },
      { apiToken: HIGHLEVEL_SIMULATOR_TOKEN, locationId: HIGHLEVEL_SIMULATOR_LOCATION },
    );
    const configured = configuredBefore ? 'HighLevel configuration kept' : `HighLevel configured for the simulator (location ${HIGHLEVEL_SIMULATOR_LOCATION})`;
    const { pending, workflowId } = await syncPendingLeads({ db, temporal, queues });
    if (pending === 0) return `${configured}; no pending leads to sync`;
    return `${configured}; syncing ${pending} pending leads (${workflowId})`;
  },
};
