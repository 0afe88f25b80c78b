import type { SimulatorDefinition } from '../registry';
import { startSocrataSimulator } from './server';

/**
 * The sandbox's Socrata dataset: 1,000 permits over the last 30 years, making a few hundred leads of every tier (a few
 * malformed, so rejects show), and a little latency. No Settings key points at it: the demo county
 * (sandbox/open-data.ts) carries its domain.
 */
export const socrataSimulatorDefinition: SimulatorDefinition = {
  name: 'socrata',
  portOffset: 6,
  urlSettings: [],
  start: ({ host, port }) => {
    const toYear = new Date().getUTCFullYear();
    return startSocrataSimulator({ host, port, permits: 1000, fromYear: toYear - 29, toYear, malformedRows: 1, latencyMs: 20 });
  },
};
