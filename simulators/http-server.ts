import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';

/** Starts `server` listening on `host` (port 0: any free port) and returns its base URL. */
export async function listenOn(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/** A server that `@hono/node-server`'s `serve` started: the base URL once it listens (on the port it was given). */
export async function listening(server: ServerType, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/** Closes a simulator's server, dropping its kept-alive connections (they would hold the close open until they time out). */
export function closeServer(server: { close(callback: () => void): unknown; closeAllConnections?: () => void } | null): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
