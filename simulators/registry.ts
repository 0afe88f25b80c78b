import type { SourceUrlKey } from '../config/settings';
import { accelaSimulatorDefinition } from './accela/definition';
import { alertWebhookSimulatorDefinition } from './alert-webhook/definition';
import { autotraderSimulatorDefinition } from './autotrader/definition';
import { cepikSimulatorDefinition } from './cepik/definition';
import { highlevelSimulatorDefinition } from './highlevel/definition';

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

/**
 * A local stand-in for one external source, started in sandbox mode, in tests and in benchmarks.
 * `urlSettings` are the settings pointed at it in sandbox mode.
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
];

/** The base URLs the pipelines use in sandbox mode: each source's simulator on its fixed port. */
export function sandboxSourceUrls(host: string, basePort: number): Partial<Record<SourceUrlKey, string>> {
  const urls: Partial<Record<SourceUrlKey, string>> = {};
  for (const simulator of sandboxSimulators) {
    for (const key of simulator.urlSettings) urls[key] = `http://${host}:${basePort + simulator.portOffset}`;
  }
  return urls;
}
