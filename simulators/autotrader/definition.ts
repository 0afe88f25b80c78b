import type { SimulatorDefinition } from '../registry';
import { startAutotraderSimulator } from './server';

/** Sandbox AutoTrader UK: realistic latency and render delay, the consent banner on. */
export const autotraderSimulatorDefinition: SimulatorDefinition = {
  name: 'autotrader',
  portOffset: 3,
  urlSettings: ['AUTOTRADER_BASE_URL'],
  start: ({ host, port }) => startAutotraderSimulator({ host, port, latencyMs: 80, renderDelayMs: 300, consent: true }),
};
