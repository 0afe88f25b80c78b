import type { Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import type { Database } from '../../platform/database';
import type { TaskQueues } from '../../platform/task-queues';

/** What the registrations services use: the API, the sandbox seeder and the tests each pass theirs. */
export interface RegistrationServiceDependencies {
  db: Database;
  settings: Settings;
  temporal: Client;
  queues: TaskQueues;
}
