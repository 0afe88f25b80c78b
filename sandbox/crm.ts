import { isCrmConfigured, saveCrmConfig } from '../activities/crm/store/config';
import { countPendingLeads } from '../activities/crm/store/leads';
import { ConfigurationError } from '../config/settings';
import { SecretBox } from '../platform/encryption';
import { SourceAttribute } from '../platform/search-attributes';
import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../simulators/highlevel/server';
import type { syncLeadsToCrmWorkflow } from '../workflows/crm/sync-leads';
import { PENDING_LEADS_SYNC_WORKFLOW_ID } from '../workflows/crm/workflow-ids';
import type { SandboxSeeder } from './seed-demo';

/**
 * Points the CRM sync at the HighLevel simulator (unless someone configured it already) and pushes
 * leads left pending by an earlier session; new leads arrive through the permit pipeline's auto-sync.
 */
export const crmSandboxSeeder: SandboxSeeder = {
  name: 'highlevel',
  async seed({ settings, db, temporal, queues }) {
    if (!settings.ENCRYPTION_KEY) throw new ConfigurationError('ENCRYPTION_KEY is needed to store the HighLevel token');
    const configuredBefore = await isCrmConfigured(db);
    if (!configuredBefore) {
      await saveCrmConfig(db, SecretBox.fromBase64(settings.ENCRYPTION_KEY), {
        apiToken: HIGHLEVEL_SIMULATOR_TOKEN,
        locationId: HIGHLEVEL_SIMULATOR_LOCATION,
      });
    }
    const configured = configuredBefore ? 'HighLevel configuration kept' : `HighLevel configured for the simulator (location ${HIGHLEVEL_SIMULATOR_LOCATION})`;
    const pending = await countPendingLeads(db);
    if (pending === 0) return `${configured}; no pending leads to sync`;
    await temporal.workflow.start<typeof syncLeadsToCrmWorkflow>('syncLeadsToCrmWorkflow', {
      workflowId: PENDING_LEADS_SYNC_WORKFLOW_ID,
      taskQueue: queues.workflows,
      args: [{ leadIds: [] }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: SourceAttribute, value: 'highlevel' }],
    });
    return `${configured}; syncing ${pending} pending leads (${PENDING_LEADS_SYNC_WORKFLOW_ID})`;
  },
};
