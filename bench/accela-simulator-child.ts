import { fork } from 'node:child_process';
import path from 'node:path';
import type { AccelaSimulatorOptions, AppLimitStats, SimulatorStats } from '../simulators/accela/server';

/** The Accela simulator in a child process (see permits-simulator-process.ts), asked over IPC. */
export async function startSimulatorProcess(options: AccelaSimulatorOptions & { agency: string }) {
  const child = fork(path.join(__dirname, 'permits-simulator-process.ts'), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(key: string) => new Promise<T>((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (key in message) {
        child.off('message', listener);
        resolve(message[key] as T);
      }
    };
    child.on('message', listener);
  });
  const ask = <T>(key: string) => {
    const reply = next<T>(key);
    child.send(key);
    return reply;
  };
  const url = await next<string>('url');
  return {
    url,
    pid: child.pid!,
    stats: () => ask<SimulatorStats>('stats'),
    appStats: () => ask<AppLimitStats[]>('appStats'),
    close: async () => {
      child.send('close');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
