import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { Database } from '../platform/database';
import { logger } from '../platform/logger';
import { SourceAttribute } from '../platform/search-attributes';
import type { TaskQueues } from '../platform/task-queues';
import type { platformSelfTestWorkflow } from '../workflows/platform/self-test';
import { accelaSandboxSeeder } from './accela';
import { autotraderSandboxSeeder } from './autotrader';
import { cepikSandboxSeeder } from './cepik';
import { crmSandboxSeeder } from './crm';

export interface SandboxContext {
  settings: Settings;
  db: Database;
  temporal: Client;
  queues: TaskQueues;
}

export interface SandboxSeeder {
  name: string;
  /** Seeds demo configuration and starts the source's first runs; must be safe to run on every start. */
  seed(context: SandboxContext): Promise<string>;
}

const platformSelfTest: SandboxSeeder = {
  name: 'platform',
  async seed({ temporal, queues }) {
    const result = await temporal.workflow.execute<typeof platformSelfTestWorkflow>('platformSelfTestWorkflow', {
      workflowId: `platform-self-test:startup-${Date.now()}`,
      taskQueue: queues.workflows,
      args: [{ includeBrowser: true }],
      workflowExecutionTimeout: '90 seconds',
      typedSearchAttributes: [{ key: SourceAttribute, value: 'platform' }],
    });
    return `self-test workflow reached PostgreSQL in ${result.database.roundTripMs} ms and Chromium ${result.browser?.browserVersion}`;
  },
};

/** Every source's sandbox seeder, in order; each pipeline adds its own. */
export const sandboxSeeders: SandboxSeeder[] = [
  platformSelfTest,
  cepikSandboxSeeder,
  accelaSandboxSeeder,
  crmSandboxSeeder,
  autotraderSandboxSeeder,
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
