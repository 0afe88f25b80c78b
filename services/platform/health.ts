import type { Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import type { ChildStatus } from '../../platform/child-processes';
import type { Database } from '../../platform/database';
import type { TaskQueues } from '../../platform/task-queues';
import {
  checkConfiguration,
  checkDatabase,
  checkEncryption,
  checkProcesses,
  checkTemporal,
  checkWorkers,
  type ComponentHealth,
  overallStatus,
  summarize,
} from './health-components';
import { checkDataFreshness } from './health-freshness';
import { checkJobs } from './health-jobs';

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'down';
  uptime_seconds: number;
  components: Record<string, ComponentHealth>;
  summary: ReturnType<typeof summarize>;
}

/**
 * Every component checked at once (each bounded by its own timeout), and the overall status; the
 * supervised child processes too when the API runs under `npm start`, and the external sources as
 * last checked in the background when the API process runs a monitor (services/platform/source-health.ts).
 */
export async function checkHealth(deps: {
  settings: Settings;
  db: Database;
  temporal: Client;
  namespace: string;
  queues: TaskQueues;
  startedAt: Date;
  processes?: () => ChildStatus[];
  sourceHealth?: () => ComponentHealth;
}): Promise<HealthReport> {
  const [database, temporal, workers, jobs, dataFreshness] = await Promise.all([
    checkDatabase(deps.db),
    checkTemporal(deps.temporal, deps.namespace),
    checkWorkers(deps.temporal, deps.namespace, deps.queues, deps.db),
    checkJobs(deps.db, deps.temporal),
    checkDataFreshness(deps.db, deps.settings),
  ]);
  const components = {
    database,
    temporal,
    workers,
    jobs,
    data_freshness: dataFreshness,
    encryption: checkEncryption(deps.settings.ENCRYPTION_KEY),
    configuration: checkConfiguration(deps.settings),
    ...(deps.processes ? { processes: checkProcesses(deps.processes()) } : {}),
    // Cached by a background monitor: reading it never waits on an external source.
    ...(deps.sourceHealth ? { sources: deps.sourceHealth() } : {}),
  };
  return {
    status: overallStatus(components),
    uptime_seconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
    components,
    summary: summarize(components),
  };
}
