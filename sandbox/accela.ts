import { ConfigurationError } from '../config/settings';
import { ConflictError } from '../domain/errors';
import { SecretBox } from '../platform/encryption';
import { ensureDemoCounty } from '../services/permits/counties';
import { findLiveOrCompletedHistoricalPull, startPermitPull } from '../services/permits/pull-jobs';
import type { SandboxSeeder } from './seed-demo';
import { SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';

const DEMO_AGENCY = 'HCFL';

/**
 * Adds the demo county on the Accela simulator (once) and starts its 30-year pull unless one ran or runs
 * already, so a new user sees jobs, progress, permits, properties and leads within a minute.
 */
export const accelaSandboxSeeder: SandboxSeeder = {
  name: 'accela',
  async seed(context) {
    const { settings, db } = context;
    if (!settings.ENCRYPTION_KEY) throw new ConfigurationError('ENCRYPTION_KEY is needed to store the demo county’s Accela secrets');
    const secrets = SecretBox.fromBase64(settings.ENCRYPTION_KEY);
    const countyId = await ensureDemoCounty({ db, secrets }, {
      name: 'Hillsborough County (demo)', agency_name: DEMO_AGENCY, environment: 'TEST', app_id: SANDBOX_ACCELA_CREDENTIALS.appId,
      app_secret: SANDBOX_ACCELA_CREDENTIALS.appSecret, username: SANDBOX_ACCELA_CREDENTIALS.username, password: SANDBOX_ACCELA_CREDENTIALS.password,
      permit_type: 'Building/Residential/Trade/Mechanical', module: 'Building', time_zone: 'America/New_York',
    });
    const pulled = await findLiveOrCompletedHistoricalPull(db, countyId);
    if (pulled) return `demo county ${countyId}: historical pull job ${pulled.id} is ${pulled.status}`;
    try {
      const job = await startPermitPull(context, countyId, { jobType: 'initial_pull' });
      return `demo county ${countyId}: historical pull started (job ${job.id}, workflow ${job.workflow_id})`;
    } catch (error) {
      if (error instanceof ConflictError) return `demo county ${countyId}: a pull is already running`;
      throw error;
    }
  },
};
