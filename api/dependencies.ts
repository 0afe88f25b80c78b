import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { ChildStatus } from '../platform/child-processes';
import type { Database } from '../platform/database';
import type { SecretBox } from '../platform/encryption';
import type { TaskQueues } from '../platform/task-queues';
import type { ComponentHealth } from '../services/platform/health-components';

/** What route handlers may use; built once per API process and injected into every route module. */
export interface ApiDependencies {
  settings: Settings;
  db: Database;
  temporal: Client;
  namespace: string;
  queues: TaskQueues;
  secrets: SecretBox;
  startedAt: Date;
  /** The children `npm start` supervises; absent when the API runs on its own (health then omits them). */
  processes?: () => ChildStatus[];
  /** The external sources' latest background check; absent when no monitor runs (health then omits it). */
  sourceHealth?: () => ComponentHealth;
}

export interface AppEnv {
  Variables: { deps: ApiDependencies };
}
