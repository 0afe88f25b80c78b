import type { SourceUrlKey } from '../config/settings';
import { accelaSimulatorDefinition } from './accela/definition';
import { alertWebhookSimulatorDefinition } from './alert-webhook/definition';
import { arcgisSimulatorDefinition } from './arcgis/definition';
import { autotraderSimulatorDefinition } from './autotrader/definition';
import { cepikSimulatorDefinition } from './cepik/definition';
import { highlevelSimulatorDefinition } from './highlevel/definition';
import { socrataSimulatorDefinition } from './socrata/definition';

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

/**
 * A local stand-in for one external source, started in sandbox mode, in tests and in benchmarks.
 * `urlSettings` are the settings pointed at it in sandbox mode; none for a source whose address is part of a county
 * (Socrata, ArcGIS), which the sandbox's demo seeder configures instead.
 */
export interface SimulatorDefinition {
  name: string;
  portOffset: number;
  urlSettings: readonly SourceUrlKey[];
  start(options: { host: string; port: number }): Promise<RunningSimulator>;
}

/** Every source's simulator; each pipeline adds its own entry. */
export const sandboxSimulators: SimulatorDefinition[] = [
  accelaSimulatorDefinition,
  cepikSimulatorDefinition,
  autotraderSimulatorDefinition,
  highlevelSimulatorDefinition,
  alertWebhookSimulatorDefinition,
  socrataSimulatorDefinition,
  arcgisSimulatorDefinition,
];

/** The host the sandbox's pipelines reach the simulators on (they listen on SIMULATOR_HOST, which may be every interface). */
export const SANDBOX_SIMULATOR_HOST = '127.0.0.1';

/** Where the pipelines reach a sandbox simulator: its fixed port on this host. */
export function sandboxSimulatorUrl(simulator: Pick<SimulatorDefinition, 'portOffset'>, host: string, basePort: number): string {
  return `http://${host}:${basePort + simulator.portOffset}`;
}

/** The base URLs the pipelines use in sandbox mode: each source's simulator on its fixed port. */
export function sandboxSourceUrls(host: string, basePort: number): Partial<Record<SourceUrlKey, string>> {
  const urls: Partial<Record<SourceUrlKey, string>> = {};
  for (const simulator of sandboxSimulators) {
    for (const key of simulator.urlSettings) urls[key] = sandboxSimulatorUrl(simulator, host, basePort);
  }
  return urls;
}

/** How many ports the sandbox's simulators take from the base port on. */
export const SANDBOX_SIMULATOR_PORTS = Math.max(...sandboxSimulators.map((simulator) => simulator.portOffset)) + 1;
