import { loadSettings } from '../config/settings';
import { logger } from '../platform/logger';
import { exitWithParent } from '../platform/parent-watch';
import { type RunningSimulator, sandboxSimulators } from './registry';

/** The sandbox simulators process: every source's simulator on its fixed port, until SIGTERM/SIGINT. */
async function main() {
  const settings = loadSettings();
  const host = settings.SIMULATOR_HOST;
  const running: RunningSimulator[] = [];
  for (const simulator of sandboxSimulators) {
    const instance = await simulator.start({ host, port: settings.SIMULATOR_BASE_PORT + simulator.portOffset });
    running.push(instance);
    logger.info({ simulator: simulator.name, url: instance.url }, 'simulator listening');
  }
  // Tells the parent (scripts/start-stack.ts) that every simulator is accepting connections.
  process.send?.({ type: 'simulators-ready', count: running.length });
  const stop = async () => {
    await Promise.all(running.map((instance) => instance.close()));
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  exitWithParent(() => void stop());
}

main().catch((error) => {
  logger.fatal({ err: error }, 'simulators failed to start');
  process.exit(1);
});
