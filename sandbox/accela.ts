import { launchPermitPull, PullConflictError } from '../activities/permits/job-launcher';
import { ConfigurationError } from '../config/settings';
import { SecretBox } from '../platform/encryption';
import type { SandboxSeeder } from './seed-demo';
import { SANDBOX_ACCELA_CREDENTIALS } from '../simulators/accela/server';

const DEMO_AGENCY = 'HCFL';

/**
 * Adds the demo county on the Accela simulator (once) and starts its 30-year pull unless one ran or runs
 * already, so a new user sees jobs, progress, permits, properties and leads within a minute.
 */
export const accelaSandboxSeeder: SandboxSeeder = {
  name: 'accela',
  async seed({ settings, db, temporal, queues }) {
    if (!settings.ENCRYPTION_KEY) throw new ConfigurationError('ENCRYPTION_KEY is needed to store the demo county’s Accela secrets');
    const secrets = SecretBox.fromBase64(settings.ENCRYPTION_KEY);
    const existing = await db.query<{ id: number }>(`SELECT id FROM counties WHERE agency_name = $1 AND environment = 'TEST' ORDER BY id LIMIT 1`, [DEMO_AGENCY]);
    let countyId = existing.rows[0]?.id;
    if (countyId === undefined) {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO counties (name, agency_name, environment, app_id, app_secret_encrypted, username, password_encrypted, time_zone)
         VALUES ('Hillsborough County (demo)', $1, 'TEST', $2, $3, $4, $5, 'America/New_York') RETURNING id`,
        [DEMO_AGENCY, SANDBOX_ACCELA_CREDENTIALS.appId, secrets.encrypt(SANDBOX_ACCELA_CREDENTIALS.appSecret),
          SANDBOX_ACCELA_CREDENTIALS.username, secrets.encrypt(SANDBOX_ACCELA_CREDENTIALS.password)],
      );
      countyId = rows[0]!.id;
    }
    const pulled = await db.query<{ id: number; status: string }>(
      `SELECT id, status FROM permit_pull_jobs WHERE county_id = $1 AND job_type = 'initial_pull' AND status IN ('pending', 'running', 'completed')
        ORDER BY id DESC LIMIT 1`,
      [countyId],
    );
    if (pulled.rows[0]) return `demo county ${countyId}: historical pull job ${pulled.rows[0].id} is ${pulled.rows[0].status}`;
    try {
      const { jobId, workflowId } = await launchPermitPull({ db, temporal, queues, settings }, countyId, { jobType: 'initial_pull' });
      return `demo county ${countyId}: historical pull started (job ${jobId}, workflow ${workflowId})`;
    } catch (error) {
      if (error instanceof PullConflictError) return `demo county ${countyId}: a pull is already running`;
      throw error;
    }
  },
};
