import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it), for servers started by tests and benchmarks. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Below the ports Linux hands out to outgoing connections (32768 and up by default), so no client socket takes one. */
const FIXED_PORTS = { from: 20_000, to: 32_000 };

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive TCP ports all free on 127.0.0.1 right now, for servers listening at fixed offsets
 * from a base port (the sandbox's simulators). One port from `freePort` is not enough: the ports after it are in the
 * range outgoing connections use, so under load one of them is taken before the servers bind.
 */
export async function freePortRange(count: number, within: { from: number; to: number } = FIXED_PORTS): Promise<number> {
  const bases = within.to - within.from - count + 1;
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = within.from + Math.floor(Math.random() * bases);
    const free = await Promise.all(Array.from({ length: count }, (_, offset) => isFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found between ${within.from} and ${within.to}`);
}
