import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Settings } from '../../config/settings';
import type { ChildStatus } from '../../platform/child-processes';
import type { Database } from '../../platform/database';
import { SecretBox } from '../../platform/encryption';
import { type TaskQueues } from '../../platform/task-queues';
import { liveWorkerQueues } from '../../platform/worker-heartbeat';

export type ComponentStatus = 'healthy' | 'degraded' | 'down' | 'unknown';
export type Priority = 'critical' | 'high' | 'medium' | 'low';

export interface ComponentHealth {
  status: ComponentStatus;
  priority: Priority;
  message: string;
  response_time_ms?: number;
  details?: Record<string, unknown>;
}

const CHECK_TIMEOUT_MS = 3_000;

export async function withTimeout<T>(work: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function checkDatabase(db: Database): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await withTimeout(db.query('SELECT 1'), 'PostgreSQL');
    const elapsed = Math.round((performance.now() - started) * 100) / 100;
    return { status: 'healthy', priority: 'critical', message: 'query round-trip succeeded', response_time_ms: elapsed };
  } catch (error) {
    return { status: 'down', priority: 'critical', message: `PostgreSQL unreachable: ${errorMessage(error)}` };
  }
}

export async function checkTemporal(client: Client, namespace: string): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await withTimeout(client.workflowService.describeNamespace({ namespace }), 'Temporal');
    const elapsed = Math.round((performance.now() - started) * 100) / 100;
    return { status: 'healthy', priority: 'critical', message: `namespace "${namespace}" reachable`, response_time_ms: elapsed };
  } catch (error) {
    return { status: 'down', priority: 'critical', message: `Temporal unreachable or namespace missing: ${errorMessage(error)}` };
  }
}

/**
 * Temporal keeps listing a poller for a minute or more after its worker stopped, so a queue counts
 * as served when Temporal saw a poll within this window AND a worker serving it sent a heartbeat
 * to PostgreSQL recently (see platform/worker-heartbeat.ts). Without a database only the first test
 * applies.
 */
export const POLLER_FRESHNESS_MS = 75_000;

export async function checkWorkers(
  client: Client,
  namespace: string,
  queues: TaskQueues,
  db?: Database,
): Promise<ComponentHealth> {
  const { TaskQueueType } = temporal.api.enums.v1;
  const probes: Array<{ queue: string; type: temporal.api.enums.v1.TaskQueueType; label: string }> = [
    { queue: queues.workflows, type: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, label: 'workflows' },
    { queue: queues.http, type: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, label: 'http' },
    { queue: queues.browser, type: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, label: 'browser' },
  ];
  try {
    const now = Date.now();
    const heartbeats = db ? await withTimeout(liveWorkerQueues(db), 'PostgreSQL').catch(() => undefined) : undefined;
    const results = await Promise.all(
      probes.map(async (probe) => {
        const response = await withTimeout(
          client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: probe.queue }, taskQueueType: probe.type }),
          'Temporal',
        );
        const recentPollers = (response.pollers ?? []).filter((poller) => {
          const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
          return now - seconds * 1000 < POLLER_FRESHNESS_MS;
        });
        const heartbeat = heartbeats ? heartbeats.has(probe.queue) : null;
        const served = recentPollers.length > 0 && heartbeat !== false;
        return [probe.label, { task_queue: probe.queue, pollers: recentPollers.length, worker_heartbeat: heartbeat, served }] as const;
      }),
    );
    const details = Object.fromEntries(results);
    const idle = results.filter(([, value]) => !value.served).map(([label]) => label);
    if (idle.length === 0) return { status: 'healthy', priority: 'high', message: 'every task queue has live workers', details };
    const status: ComponentStatus = idle.length === results.length ? 'down' : 'degraded';
    return { status, priority: 'high', message: `no live workers on: ${idle.join(', ')}`, details };
  } catch (error) {
    return { status: 'unknown', priority: 'high', message: `could not describe task queues: ${errorMessage(error)}` };
  }
}

export function checkEncryption(encryptionKey: string | undefined): ComponentHealth {
  if (!encryptionKey) return { status: 'down', priority: 'critical', message: 'ENCRYPTION_KEY is not set' };
  try {
    const box = SecretBox.fromBase64(encryptionKey);
    const probe = `probe-${Date.now()}`;
    if (box.decrypt(box.encrypt(probe)) !== probe) throw new Error('decrypted probe differs');
    return { status: 'healthy', priority: 'critical', message: 'AES-256-GCM round-trip succeeded' };
  } catch (error) {
    return { status: 'down', priority: 'critical', message: `credential encryption unusable: ${errorMessage(error)}` };
  }
}

export function checkConfiguration(settings: Settings): ComponentHealth {
  const problems: string[] = [];
  if (settings.API_KEYS.length === 0) problems.push('API_KEYS is empty');
  if (!settings.DATABASE_URL) problems.push('DATABASE_URL is not set');
  if (!settings.TEMPORAL_ADDRESS) problems.push('TEMPORAL_ADDRESS is not set');
  if (problems.length > 0) return { status: 'degraded', priority: 'medium', message: problems.join('; ') };
  return {
    status: 'healthy',
    priority: 'medium',
    message: `required settings present; sources: ${settings.SOURCES}`,
  };
}

/**
 * The children `npm start` supervises: down once the supervisor gave up on one (critical when the
 * stack cannot work without it, e.g. embedded PostgreSQL), degraded while one is being restarted.
 */
export function checkProcesses(children: readonly ChildStatus[]): ComponentHealth {
  const details = Object.fromEntries(
    children.map((child) => [
      child.name,
      {
        state: child.state,
        pid: child.pid,
        restarts: child.restarts,
        last_exit: child.lastExit && { code: child.lastExit.code, signal: child.lastExit.signal, at: child.lastExit.at },
        reason: child.reason,
      },
    ]),
  );
  const givenUp = children.filter((child) => child.state === 'given-up');
  if (givenUp.length > 0) {
    return {
      status: 'down',
      priority: givenUp.some((child) => child.critical) ? 'critical' : 'high',
      message: givenUp.map((child) => `${child.name} ${child.reason}`).join('; '),
      details,
    };
  }
  const notRunning = children.filter((child) => child.state !== 'running');
  if (notRunning.length > 0) {
    const message = `not running: ${notRunning.map((child) => `${child.name} (${child.state})`).join(', ')}`;
    return { status: 'degraded', priority: 'high', message, details };
  }
  const restarts = children.reduce((total, child) => total + child.restarts, 0);
  const message = `${children.length} supervised processes running` + (restarts > 0 ? `; ${restarts} restarts so far` : '');
  return { status: 'healthy', priority: 'high', message, details };
}

export function overallStatus(components: Record<string, ComponentHealth>): 'healthy' | 'degraded' | 'down' {
  const list = Object.values(components);
  if (list.some((c) => c.priority === 'critical' && c.status === 'down')) return 'down';
  if (list.every((c) => c.status === 'healthy')) return 'healthy';
  return 'degraded';
}

export function summarize(components: Record<string, ComponentHealth>) {
  const list = Object.values(components);
  const count = (status: ComponentStatus) => list.filter((c) => c.status === status).length;
  return {
    total: list.length,
    healthy: count('healthy'),
    degraded: count('degraded'),
    down: count('down'),
    unknown: count('unknown'),
  };
}
