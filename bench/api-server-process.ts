import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { loadSettings } from '../config/settings';
import { createPool } from '../platform/database';
import { SecretBox } from '../platform/encryption';
import { readList } from '../platform/list-query';
import { taskQueues } from '../platform/task-queues';
import { BENCH_API_KEY, BENCH_LISTS } from './api-lists';

/**
 * One server of `npm run bench api`, in its own process so that autocannon does not share its event loop:
 * `api` is Prospector's Hono app, `bare` a plain node:http server running the same statements on a pg pool
 * of the same size, with no routing, validation, authentication or envelope. Prints `listening <port>`.
 */
async function main() {
  const [mode, databaseUrl] = process.argv.slice(2);
  if ((mode !== 'api' && mode !== 'bare') || !databaseUrl) throw new Error('usage: api-server-process.ts api|bare <database url>');
  const db = createPool(databaseUrl, { applicationName: `bench-api-${mode}` });
  let server: http.Server;
  if (mode === 'api') {
    const encryptionKey = randomBytes(32).toString('base64');
    const settings = loadSettings({ ...process.env, API_KEYS: BENCH_API_KEY, ENCRYPTION_KEY: encryptionKey, LOG_LEVEL: 'warn' });
    // The list routes never reach Temporal; a lazy connection is never opened.
    const temporal = new Client({ connection: Connection.lazy({ address: settings.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) });
    const app = createApp({
      settings, db, temporal, namespace: settings.TEMPORAL_NAMESPACE, queues: taskQueues(settings.TASK_QUEUE_PREFIX),
      secrets: SecretBox.fromBase64(encryptionKey), startedAt: new Date(),
    });
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as http.Server;
  } else {
    server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://bare');
      const list = BENCH_LISTS.find((candidate) => candidate.path === url.pathname);
      if (!list) {
        response.writeHead(404).end();
        return;
      }
      const cursor = url.searchParams.get('cursor') ?? undefined;
      const offset = Number(url.searchParams.get(list.offsetParameter) ?? (list.offsetParameter === 'page' ? 1 : 0));
      const limit = Number(url.searchParams.get('limit') ?? 100);
      readList(db, list.query(), list.cursor, { limit, cursor, offset: list.offsetParameter === 'page' ? (offset - 1) * limit : offset })
        .then((page) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ data: page.rows, next_cursor: page.nextCursor, total: page.total }));
        })
        .catch((error: Error) => response.writeHead(500).end(error.message));
    });
    server.listen(0, '127.0.0.1');
  }
  server.once('listening', () => {
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void db.end().finally(() => process.exit(0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
