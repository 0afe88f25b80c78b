import { type AccelaSimulatorOptions, startAccelaSimulator } from '../simulators/accela/server';

/**
 * The Accela simulator in a process of its own, so the benchmark's RSS figure is the workers' alone and
 * the simulator's CPU does not share their event loop. Talks to the parent over IPC: sends `{url}` once
 * listening, answers `stats` with request counts, `appStats` with each app-and-agency limit's counts and `truth` with the permit count, closes on `close`.
 */
async function main() {
  const options = JSON.parse(process.argv[2] ?? '{}') as AccelaSimulatorOptions & { agency: string };
  const sim = await startAccelaSimulator(options);
  const data = sim.simulator.agency(options.agency);
  process.on('message', async (message: string) => {
    if (message === 'stats') process.send!({ stats: sim.simulator.stats });
    if (message === 'appStats') process.send!({ appStats: sim.simulator.appLimitStats() });
    if (message === 'truth') process.send!({ permits: data.records.length });
    if (message === 'close') {
      await sim.close();
      process.exit(0);
    }
  });
  process.send!({ url: sim.url });
}

void main();
