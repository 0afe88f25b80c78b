import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { Database } from '../platform/database';
import type { SecretBox } from '../platform/encryption';
import type { TaskQueues } from '../platform/task-queues';

/** What route handlers may use; built once per API process and injected into every route module. */
export interface ApiDependencies {
  settings: Settings;
  db: Database;
  temporal: Client;
  namespace: string;
  queues: TaskQueues;
  secrets: SecretBox;
  startedAt: Date;
}

export interface AppEnv {
  Variables: { deps: ApiDependencies };
}
