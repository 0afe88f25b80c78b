import { fork } from 'node:child_process';
import path from 'node:path';
import type { AccelaSimulatorOptions, AppLimitStats, SimulatorStats } from '../simulators/accela/server';
import type { ArcGisSimulator, ArcGisSimulatorOptions } from '../simulators/arcgis/server';
import type { SocrataSimulator, SocrataSimulatorOptions } from '../simulators/socrata/server';

/** Which simulator to run and how; open-data simulators name their first year, where a pull's ground truth starts. */
export type SimulatorSpec =
  | { platform: 'accela'; options: AccelaSimulatorOptions & { agency: string } }
  | { platform: 'socrata'; options: SocrataSimulatorOptions & { fromYear: number } }
  | { platform: 'arcgis'; options: ArcGisSimulatorOptions & { fromYear: number } };

interface StatsByPlatform {
  accela: SimulatorStats;
  socrata: SocrataSimulator['stats'];
  arcgis: ArcGisSimulator['stats'];
}

/** Where the simulator listens: its base URL, and the Socrata dataset id or the ArcGIS layer URL. */
export interface SimulatorAddress {
  url: string;
  datasetId?: string;
  layerUrl?: string;
}

/** What the simulator process answers over IPC (see simulator-process.ts). */
export interface SimulatorAnswers {
  ready: SimulatorAddress;
  stats(): unknown;
  requests(): number;
  appStats?(): AppLimitStats[];
  truth(): number;
}

/** A simulator in a child process (see simulator-process.ts), asked over IPC. */
export async function startSimulatorProcess<P extends SimulatorSpec['platform']>(spec: Extract<SimulatorSpec, { platform: P }>) {
  const child = fork(path.join(__dirname, 'simulator-process.ts'), [JSON.stringify(spec)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(key: string) => new Promise<T>((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`the ${spec.platform} simulator process exited (${code}) before answering ${key}`));
    const listener = (message: Record<string, unknown>) => {
      if (key in message) {
        child.off('message', listener);
        child.off('exit', exited);
        resolve(message[key] as T);
      }
    };
    child.on('message', listener);
    child.once('exit', exited);
  });
  const ask = <T>(key: string) => {
    const reply = next<T>(key);
    child.send(key);
    return reply;
  };
  const address = await next<SimulatorAddress>('ready');
  return {
    ...address,
    pid: child.pid!,
    stats: () => ask<StatsByPlatform[P]>('stats'),
    /** Every HTTP request the simulator has served (Accela: API and token requests). */
    requests: () => ask<number>('requests'),
    appStats: () => ask<AppLimitStats[]>('appStats'),
    /** The permits a pull through today must end with. */
    truth: () => ask<number>('truth'),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}
