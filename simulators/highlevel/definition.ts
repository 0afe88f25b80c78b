import type { SimulatorDefinition } from '../registry';
import { startHighLevelSimulator } from './server';

/** The sandbox's HighLevel: the real limits (100 per 10 s, 200,000 a day) and 50 ms of latency per call. */
export const highlevelSimulatorDefinition: SimulatorDefinition = {
  name: 'highlevel',
  portOffset: 4,
  urlSettings: ['HIGHLEVEL_BASE_URL'],
  start: ({ host, port }) => startHighLevelSimulator({ host, port, latencyMs: 50 }),
};
