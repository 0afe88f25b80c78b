import type { SimulatorDefinition } from '../registry';
import { startAccelaSimulator } from './server';

/** The sandbox's Accela: 5,000 permits per agency over 30 years (about 3,000 mechanical ones pulled), a little latency, an hourly rate limit. */
export const accelaSimulatorDefinition: SimulatorDefinition = {
  name: 'accela',
  portOffset: 1,
  urlSettings: ['ACCELA_API_URL', 'ACCELA_AUTH_URL'],
  start: ({ host, port }) =>
    startAccelaSimulator({ host, port, seed: 'sandbox', permitsPerAgency: 5000, latencyMs: 10, rateLimit: { limit: 20_000, windowSeconds: 3600 }, malformedRecords: 3 }),
};
