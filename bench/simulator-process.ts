import { startAccelaSimulator } from '../simulators/accela/server';
import { startArcGisSimulator } from '../simulators/arcgis/server';
import { localDay } from '../domain/permits/open-data-record';
import { groundTruth } from '../simulators/open-data-permits';
import { startSocrataSimulator } from '../simulators/socrata/server';
import type { SimulatorAnswers, SimulatorSpec } from './simulator-child';

/**
 * A permit source simulator (Accela, Socrata or ArcGIS) in a process of its own, so a benchmark's RSS figure is the
 * workers' alone and the simulator's CPU does not share their event loop. Talks to the parent over IPC: sends
 * `{ready}` once listening, answers `stats` with the simulator's own counters, `requests` with every HTTP request it
 * served, `appStats` (Accela) with each app-and-agency limit's counts and `truth` with the permits a pull through
 * today must end with; closes on `close`.
 */
async function main() {
  const spec = JSON.parse(process.argv[2] ?? '{}') as SimulatorSpec;
  const answers = await start(spec);
  process.on('message', async (message: string) => {
    if (message === 'close') {
      await answers.close();
      process.exit(0);
    }
    if (message === 'stats') process.send!({ stats: answers.stats() });
    if (message === 'requests') process.send!({ requests: answers.requests() });
    if (message === 'appStats') process.send!({ appStats: answers.appStats?.() ?? [] });
    if (message === 'truth') process.send!({ truth: answers.truth() });
  });
  process.send!({ ready: answers.ready });
}

async function start(spec: SimulatorSpec): Promise<SimulatorAnswers & { close(): Promise<void> }> {
  const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  // The bench's counties are in New York time (bench/open-data.bench.ts).
  const countyToday = () => localDay(Date.now(), 'America/New_York');
  switch (spec.platform) {
    case 'accela': {
      const sim = await startAccelaSimulator(spec.options);
      const data = sim.simulator.agency(spec.options.agency);
      const { stats } = sim.simulator;
      return {
        ready: { url: sim.url },
        stats: () => stats,
        requests: () => stats.apiRequests + stats.tokenRequests,
        appStats: () => sim.simulator.appLimitStats(),
        truth: () => data.records.length,
        close: sim.close,
      };
    }
    case 'socrata': {
      const sim = await startSocrataSimulator(spec.options);
      const { simulator } = sim;
      return {
        ready: { url: sim.url, datasetId: simulator.datasetId },
        stats: () => simulator.stats,
        requests: () => simulator.stats.requests,
        truth: () => groundTruth(simulator.permits, `${spec.options.fromYear}-01-01`, tomorrow(), countyToday()).permitNumbers.length,
        close: sim.close,
      };
    }
    case 'arcgis': {
      const sim = await startArcGisSimulator(spec.options);
      const { simulator } = sim;
      return {
        ready: { url: sim.url, layerUrl: sim.layerUrl },
        stats: () => simulator.stats,
        requests: () => simulator.stats.requests,
        truth: () => groundTruth(simulator.permits, `${spec.options.fromYear}-01-01`, tomorrow(), countyToday()).permitNumbers.length,
        close: sim.close,
      };
    }
  }
}

void main();
