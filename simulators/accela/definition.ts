import type { SimulatorDefinition } from '../registry';
import { startAccelaSimulator } from './server';

/**
 * The sandbox's Accela: 1,000 permits per agency over 30 years (about 600 mechanical ones pulled, making 200 leads of
 * every tier), a little latency, an hourly rate limit. Sized so that the CRM sync of the demo leads, which have the
 * owners' phones and emails (two requests per new person at HighLevel's 100 requests per 10 s, docs/crm.md), ends
 * within the sandbox's first two minutes.
 */
export const accelaSimulatorDefinition: SimulatorDefinition = {
  name: 'accela',
  portOffset: 1,
  urlSettings: ['ACCELA_API_URL', 'ACCELA_AUTH_URL'],
  start: ({ host, port }) =>
    startAccelaSimulator({ host, port, seed: 'sandbox', permitsPerAgency: 1000, latencyMs: 10, rateLimit: { limit: 20_000, windowSeconds: 3600 }, malformedRecords: 3 }),
};
