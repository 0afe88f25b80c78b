import { ConfigurationError } from '../config/settings';
import { SecretBox } from '../platform/encryption';
import { ensureDemoCounty, findCountyIdByAgency } from '../services/permits/counties';
import { historicalPullFinished } from '../services/permits/pull-jobs';
import { startDemoPullUnlessDone } from './demo-pull';
import type { SandboxContext, SandboxSeeder } from './seed-demo';
import { SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';

const DEMO_AGENCY = 'HCFL';
const DEMO_ENVIRONMENT = 'TEST';

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
      name: 'Hillsborough County (demo)', agency_name: DEMO_AGENCY, environment: DEMO_ENVIRONMENT, app_id: SANDBOX_ACCELA_CREDENTIALS.appId,
      app_secret: SANDBOX_ACCELA_CREDENTIALS.appSecret, username: SANDBOX_ACCELA_CREDENTIALS.username, password: SANDBOX_ACCELA_CREDENTIALS.password,
      permit_type: 'Building/Residential/Trade/Mechanical', module: 'Building', time_zone: 'America/New_York',
    });
    return startDemoPullUnlessDone(context, countyId);
  },
};

/** Waits for the demo county's historical pull to end, so its leads exist; false when there is none. */
export async function demoPullFinished(context: SandboxContext): Promise<boolean> {
  const countyId = await findCountyIdByAgency(context.db, DEMO_AGENCY, DEMO_ENVIRONMENT);
  return countyId !== undefined && historicalPullFinished(context, countyId);
}
