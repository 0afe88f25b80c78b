import type { Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';
import type { TaskQueues } from '../../platform/task-queues';

/** What the CRM services use: the API, the sandbox seeder and the tests each pass theirs. */
export interface CrmServiceDependencies {
  db: Database;
  settings: Settings;
  /** Opens the stored HighLevel token. */
  secrets: SecretBox;
  temporal: Client;
  queues: TaskQueues;
}
