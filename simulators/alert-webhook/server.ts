import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { closeServer, listening } from '../http-server';
import type { RunningSimulator } from '../registry';

/** The receiver keeps the newest alerts only, so a sandbox left running for days stays small. */
const KEPT_ALERTS = 500;

export interface ReceivedDealAlert {
  receivedAt: string;
  body: unknown;
}

export interface RunningAlertWebhook extends RunningSimulator {
  received(): ReceivedDealAlert[];
}

/**
 * The sandbox's deal-alert webhook: takes the alerts the outbox POSTs (answering 200) and lists them,
 * newest first, at `GET /` with the total received, so a new user can see alerts being delivered.
 */
export async function startAlertWebhook(options: { host: string; port: number }): Promise<RunningAlertWebhook> {
  const received: ReceivedDealAlert[] = [];
  let total = 0;
  const app = new Hono();
  app.post('/', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    if (body === null || typeof body !== 'object') return c.json({ error: 'expected a JSON object' }, 400);
    total += 1;
    received.unshift({ receivedAt: new Date().toISOString(), body });
    received.length = Math.min(received.length, KEPT_ALERTS);
    return c.json({ ok: true }, 200);
  });
  app.get('/', (c) => c.json({ total_received: total, alerts: received }, 200));

  const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port });
  const url = await listening(server, options.host);
  return {
    url,
    received: () => [...received],
    close: () => closeServer(server),
  };
}
