import type { SimulatorDefinition } from '../registry';
import { startCepikSimulator } from './server';

/** The sandbox's CEPiK: default dataset, a little latency, a generous rate limit. */
export const cepikSimulatorDefinition: SimulatorDefinition = {
  name: 'cepik',
  portOffset: 2,
  urlSettings: ['CEPIK_BASE_URL'],
  start: ({ host, port }) => startCepikSimulator({ host, port, latencyMs: 50, rateLimitPerSecond: 20, rateLimitedWaitSeconds: 5 }),
};
