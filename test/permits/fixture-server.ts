import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server answering with the bytes of recorded real Accela responses, so the client is
 * tested on what Accela actually sent (headers as recorded: JSON, no rate-limit headers).
 */
export async function serveRecordedResponses(routes: Record<string, string | ((req: IncomingMessage, res: ServerResponse) => void)>) {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers, body });
      const pathname = new URL(req.url ?? '/', 'http://local').pathname;
      const route = routes[`${req.method} ${pathname}`];
      if (typeof route === 'function') return route(req, res);
      if (typeof route === 'string') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-accela-traceid': '250612203424938-00000000' });
        return res.end(readFileSync(route));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 404, code: 'api_not_found', message: `no route ${pathname}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function tokenRoute(body: object, status = 200) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
}
