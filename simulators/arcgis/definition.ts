import type { SimulatorDefinition } from '../registry';
import { startArcGisSimulator } from './server';

/**
 * The sandbox's ArcGIS permit layer: 1,200 permits over the last 30 years, making a few hundred leads of every tier (a
 * few malformed, so rejects show), pages of at most 1,000 features and a little latency. No Settings key points at it:
 * the demo county (sandbox/open-data.ts) carries its layer URL.
 */
export const arcgisSimulatorDefinition: SimulatorDefinition = {
  name: 'arcgis',
  portOffset: 7,
  urlSettings: [],
  start: ({ host, port }) => {
    const toYear = new Date().getUTCFullYear();
    return startArcGisSimulator({ host, port, permits: 1200, fromYear: toYear - 29, toYear, malformedRows: 1, latencyMs: 20 });
  },
};
