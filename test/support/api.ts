import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { loadSettings } from '../../config/settings';
import type { Database } from '../../platform/database';
import { SecretBox } from '../../platform/encryption';
import type { TaskQueues } from '../../platform/task-queues';
import type { ComponentHealth } from '../../services/platform/health-components';
import { recordResponses } from './audit/response-recorder';
import { TEST_ENCRYPTION_KEY } from './encryption-key';

export const TEST_API_KEY = 'test-key-0123456789';

/**
 * The real Hono app over a test database and the run's Temporal server (`namespace`: the client's); call it
 * with `app.request`. Every response is recorded for the secrets and personal-data audit after the suite.
 */
export function createTestApi(options: {
  db: Database;
  client: Client;
  queues: TaskQueues;
  env?: Record<string, string>;
  namespace?: string;
  sourceHealth?: () => ComponentHealth;
}) {
  const settings = loadSettings({
    ...process.env,
    API_KEYS: TEST_API_KEY,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...options.env,
  });
  const app = recordResponses(createApp({
    settings,
    db: options.db,
    temporal: options.client,
    namespace: options.namespace ?? 'default',
    queues: options.queues,
    secrets: SecretBox.fromBase64(TEST_ENCRYPTION_KEY),
    startedAt: new Date(),
    sourceHealth: options.sourceHealth,
  }));
  const call = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { 'x-api-key': TEST_API_KEY, ...(init.headers ?? {}) } });
  const json = async (path: string, init: RequestInit = {}) => {
    const response = await call(path, init);
    return { status: response.status, body: (await response.json()) as { success: boolean; data: any; error: any } };
  };
  return { app, settings, call, json };
}
