import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { freePortRange } from '../../platform/free-port';

/** The sandbox's simulators listen at fixed offsets from one base port: every port of the range must be free. */
describe('freePortRange', () => {
  it('gives a base whose every port can be listened on, below the ports outgoing connections take', async () => {
    for (let run = 0; run < 5; run++) {
      const base = await freePortRange(8);
      assert.ok(base >= 1024 && base + 8 <= 32_768, `base ${base} lies below the ephemeral range`);
      const servers = await Promise.all(
        Array.from({ length: 8 }, (_, offset) => new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(base + offset, '127.0.0.1', () => resolve(server));
        })),
      );
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it('never gives a range with a port in use', async () => {
    // Within a stretch of 12 ports, hold all but two neighbours: those are the only free range of 2.
    const stretch = await freePortRange(12);
    const gap = stretch + 5;
    const held = await Promise.all(
      Array.from({ length: 12 }, (_, i) => stretch + i)
        .filter((port) => port !== gap && port !== gap + 1)
        .map((port) => new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => resolve(server));
        })),
    );
    try {
      for (let run = 0; run < 10; run++) assert.equal(await freePortRange(2, { from: stretch, to: stretch + 12 }), gap);
      await assert.rejects(freePortRange(3, { from: stretch, to: stretch + 12 }), /no 3 consecutive free ports/);
    } finally {
      await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
