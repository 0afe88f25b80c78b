import type { Client } from '@temporalio/client';
import type { Database } from '../../platform/database';
import type { TaskQueues } from '../../platform/task-queues';

/** What the listing services use: the API, the sandbox seeder and the tests each pass theirs. */
export interface ListingServiceDependencies {
  db: Database;
  temporal: Client;
  queues: TaskQueues;
}
