import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { Database } from '../platform/database';
import { logger } from '../platform/logger';
import type { TaskQueues } from '../platform/task-queues';
import { runSelfTest } from '../services/platform/self-test';
import { accelaSandboxSeeder } from './accela';
import { autotraderSandboxSeeder } from './autotrader';
import { cepikSandboxSeeder } from './cepik';
import { crmSandboxSeeder } from './crm';
import { openDataSandboxSeeders } from './open-data';

export interface SandboxContext {
  settings: Settings;
  db: Database;
  temporal: Client;
  queues: TaskQueues;
  /** When the stack started: the seeders say how long after it their demo data was complete. */
  startedAt: Date;
}

export interface SandboxSeeder {
  name: string;
  /** Seeds demo configuration and starts the source's first runs; must be safe to run on every start. */
  seed(context: SandboxContext): Promise<string>;
}

const platformSelfTest: SandboxSeeder = {
  name: 'platform',
  async seed(context) {
    const { result } = await runSelfTest(context, { includeBrowser: true, label: `startup-${Date.now()}` });
    return `self-test workflow reached PostgreSQL in ${result.database.roundTripMs} ms and Chromium ${result.browser?.browserVersion}`;
  },
};

/**
 * Every source's sandbox seeder, in order; each pipeline adds its own. The seeders that only start long runs (the demo
 * permit pulls, the scrapes) come first, so those runs are under way while the self-test and the CEPiK report, which
 * the seeders wait for, take their few seconds. The CRM seeder comes last: it waits for the demo permit pulls' leads
 * (Accela, Socrata and ArcGIS), then for their sync.
 */
export const sandboxSeeders: SandboxSeeder[] = [
  accelaSandboxSeeder,
  ...openDataSandboxSeeders,
  autotraderSandboxSeeder,
  platformSelfTest,
  cepikSandboxSeeder,
  crmSandboxSeeder,
];

export async function seedSandbox(context: SandboxContext): Promise<void> {
  for (const seeder of sandboxSeeders) {
    try {
      logger.info({ seeder: seeder.name }, await seeder.seed(context));
    } catch (error) {
      // One source's demo failing must not take the others (or the stack) down.
      logger.error({ err: error, seeder: seeder.name }, 'sandbox seeding failed');
    }
  }
}
