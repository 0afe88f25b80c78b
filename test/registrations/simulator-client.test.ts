import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CepikClient, type CepikClientOptions, type FetchedPage } from '../../clients/cepik/client';
import { LocalRateLimits } from '../../platform/shared-rate-limits';
import { CepikError } from '../../clients/cepik/errors';
import { type RunningCepikSimulator, startCepikSimulator } from '../../simulators/cepik/server';
import { sharedFixture } from '../support/shared-reference';

const WINDOW = { from: '2023-09-24', to: '2023-11-23' };
const distinctById = (vehicles: Array<{ id: string }>) => new Set(vehicles.map((vehicle) => vehicle.id));
const glitchFixture = sharedFixture(
  'cepik/pojazdy_woj14_od20240101_do20241101_limit100_page1_count-glitch-101__PawelWalicki_cepik-map-server_commit-6f52cc3__data_base-14.js.json',
);

describe('CEPiK simulator and client', () => {
  let sim: RunningCepikSimulator;
  let client: CepikClient;
  const clientOptions = (overrides: Partial<CepikClientOptions> = {}): CepikClientOptions => ({
    baseUrl: sim.url,
    pageSize: 100,
    timeoutMs: 5_000,
    requestsPerSecond: 1_000,
    rateLimitedWaitSeconds: 60,
    limitReachedWaitSeconds: 60,
    exhaustedPauseMs: 0,
    gate: new LocalRateLimits(),
    ...overrides,
  });

  before(async () => {
    sim = await startCepikSimulator({ rateLimitPerSecond: 1_000, rateLimitedWaitSeconds: 7 });
    client = new CepikClient(clientOptions());
  });
  after(async () => {
    await client.close();
    await sim.close();
  });

  /** Every page of a query, followed by `links.next` as the pull activity does. */
  const collect = async (query: { voivodeshipCode: string; brand?: string; from: string; to: string }, c = client) => {
    const pages: FetchedPage[] = [];
    for (let url: string | undefined = c.firstPageUrl(query); url; url = pages.at(-1)!.nextUrl) pages.push(await c.fetchPage(url));
    return pages;
  };

  it('answers with the recorded envelope: key order, meta keys, canonical absolute links, no prev on page 1', { skip: glitchFixture.skip }, async () => {
    const recorded = JSON.parse(readFileSync(glitchFixture.path!, 'utf8'));
    const response = await fetch(`${sim.url}/pojazdy?wojewodztwo=14&data-od=20240101&data-do=20241101`);
    const body = (await response.json()) as any;
    assert.deepEqual(Object.keys(body), Object.keys(recorded));
    assert.deepEqual(Object.keys(body.meta), Object.keys(recorded.meta));
    assert.deepEqual(Object.keys(body.links), Object.keys(recorded.links));
    assert.equal(body.meta['json-ld-id'], recorded.meta['json-ld-id']);
    assert.equal(body.links.self, `${sim.url}${recorded.meta['json-ld-id']}`);
    assert.deepEqual(Object.keys(body.data[0]), Object.keys(recorded.data[0]));
    assert.deepEqual(Object.keys(body.data[0].attributes), Object.keys(recorded.data[0].attributes));
    assert.equal(body.data[0].links.self, `${sim.url}/pojazdy/${body.data[0].id}`);
    assert.match(body.data[0].id, /^\d{16}$/);
    assert.ok(body.data.some((item: any) => item.attributes.marka === null), 'unfiltered lists carry null-marka vehicles');
    assert.match(response.headers.get('x-rate-limit-remaining') ?? '', /^\d+$/);
  });

  it('pages by links.next to exactly the ground truth for a brand', async () => {
    const pages = await collect({ voivodeshipCode: '24', brand: 'BMW', ...WINDOW });
    const truth = sim.countRegistrations({ region: '24', brand: 'BMW', ...WINDOW });
    assert.ok(truth > 100, `enough for several pages (${truth})`);
    assert.equal(pages.length, Math.ceil(truth / 100));
    assert.equal(distinctById(pages.flatMap((p) => p.vehicles)).size, truth);
    assert.ok(pages.every((p) => p.vehicles.every((v) => v.attributes.marka === 'BMW')));
    assert.equal(pages.at(-1)!.nextUrl, undefined);
    assert.ok(pages[0]!.rateLimitRemaining! >= 0);
  });

  it('survives the count glitch and duplicate ids across pages', async () => {
    sim.configure({ countGlitch: true, duplicateAcrossPages: true });
    try {
      const smallPages = new CepikClient(clientOptions({ pageSize: 25 }));
      const pages = await collect({ voivodeshipCode: '24', brand: 'MERCEDES-BENZ', ...WINDOW }, smallPages);
      await smallPages.close();
      const truth = sim.countRegistrations({ region: '24', brand: 'MERCEDES-BENZ', ...WINDOW });
      assert.ok(pages.length > 2, `${pages.length} pages`);
      assert.ok(pages.every((p) => p.meta.count === 26 && p.countIsPlaceholder));
      const all = pages.flatMap((p) => p.vehicles);
      assert.ok(all.length > truth, 'pages overlap');
      assert.equal(distinctById(all).size, truth);
    } finally {
      sim.configure({ countGlitch: false, duplicateAcrossPages: false });
    }
  });

  it('refuses a window over two years, a page size over 500, and a missing region, with errors[] bodies', async () => {
    await assert.rejects(collect({ voivodeshipCode: '24', from: '2021-01-01', to: '2023-06-30' }), (error: CepikError) => {
      assert.equal(error.kind, 'bad-request');
      assert.equal(error.retryable, false);
      assert.match(error.message, /Maksymalny zakres lat to: 2/);
      return true;
    });
    const big = await fetch(`${sim.url}/pojazdy?wojewodztwo=24&data-od=20230101&data-do=20230201&limit=501`);
    assert.equal(big.status, 400);
    assert.match(((await big.json()) as any).errors[0]['error-reason'], /limit/);
    const missing = await fetch(`${sim.url}/pojazdy?data-od=20230101`);
    assert.equal(missing.status, 400);
  });

  it('classifies injected faults by kind, with the wait a 429 names', async () => {
    const url = client.firstPageUrl({ voivodeshipCode: '24', brand: 'AUDI', ...WINDOW });
    const expectations: Array<[Parameters<RunningCepikSimulator['injectFaults']>[0], string, number | undefined]> = [
      ['429', 'rate-limited', 7],
      ['404', 'not-found', undefined],
      ['truncated', 'truncated', undefined],
      ['overloaded', 'overloaded', undefined],
      ['limit-reached', 'limit-reached', 60],
      ['limit-reached-429', 'limit-reached', 7],
    ];
    for (const [fault, kind, wait] of expectations) {
      sim.injectFaults(fault);
      await assert.rejects(client.fetchPage(url), (error: CepikError) => {
        assert.equal(error.kind, kind, fault);
        assert.equal(error.retryable, true);
        assert.equal(error.details.waitSeconds, wait);
        return true;
      });
    }
    assert.equal((await client.fetchPage(url)).vehicles.length > 0, true);
  });

  it('times out a slow answer and names a refused connection', async () => {
    sim.configure({ latencyMs: 400 });
    const impatient = new CepikClient(clientOptions({ timeoutMs: 100 }));
    try {
      await assert.rejects(impatient.fetchPage(impatient.firstPageUrl({ voivodeshipCode: '24', ...WINDOW })), (e: CepikError) => e.kind === 'timeout');
    } finally {
      sim.configure({ latencyMs: 0 });
      await impatient.close();
    }
    const nowhere = new CepikClient(clientOptions({ baseUrl: 'http://127.0.0.1:1' }));
    await assert.rejects(nowhere.fetchPage(nowhere.firstPageUrl({ voivodeshipCode: '24', ...WINDOW })), (e: CepikError) => e.kind === 'network' && e.retryable);
    await nowhere.close();
  });

  it('paces requests per host', async () => {
    const paced = new CepikClient(clientOptions({ requestsPerSecond: 10 }));
    try {
      const started = Date.now();
      const url = paced.firstPageUrl({ voivodeshipCode: '16', brand: 'VOLVO', ...WINDOW });
      await Promise.all([paced.fetchPage(url), paced.fetchPage(url), paced.fetchPage(url), paced.fetchPage(url)]);
      assert.ok(Date.now() - started >= 300, 'four requests at 10/s span at least 300 ms');
    } finally {
      await paced.close();
    }
  });

  it('holds back the next request when X-Rate-Limit-Remaining reaches 0, instead of running into 429', async () => {
    sim.configure({ rateLimitPerSecond: 2 });
    const polite = new CepikClient(clientOptions({ exhaustedPauseMs: 600 }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // a full bucket
      const url = polite.firstPageUrl({ voivodeshipCode: '16', brand: 'VOLVO', ...WINDOW });
      const started = Date.now();
      const remaining = [];
      for (let i = 0; i < 3; i += 1) remaining.push((await polite.fetchPage(url)).rateLimitRemaining);
      assert.deepEqual(remaining.slice(0, 2), [1, 0]);
      assert.ok(Date.now() - started >= 550, 'the third request waited for the pause');
    } finally {
      sim.configure({ rateLimitPerSecond: 1_000 });
      await polite.close();
    }
  });

  it('passes the configured TLS options to the connection', async () => {
    // A TLS 1.2-only server with a throw-away self-signed certificate.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cepik-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const server = https.createServer(
      { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')), maxVersion: 'TLSv1.2' },
      (_req, res) => res.end('{}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    const attempt = async (tls: CepikClientOptions['tls']) => {
      const tlsClient = new CepikClient(clientOptions({ baseUrl, tls }));
      try {
        await tlsClient.fetchPage(tlsClient.firstPageUrl({ voivodeshipCode: '24', ...WINDOW }));
        return 'answered';
      } catch (error) {
        return (error as Error).message;
      } finally {
        await tlsClient.close();
      }
    };
    try {
      assert.match(await attempt({}), /self[- ]signed|certificate/i, 'default options reach the certificate check');
      assert.match(await attempt({ minVersion: 'TLSv1.3' }), /protocol version|unsupported protocol|ssl/i, 'minVersion is applied');
      assert.match(await attempt({ ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }), /handshake failure|no shared cipher|alert/i, 'ciphers are applied');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can be switched over HTTP for the sandbox: configure, queue faults, read the request log', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${sim.url}/_simulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post('configure', { countGlitch: true })).status, 200);
    assert.equal((await post('faults', { faults: ['404'] })).status, 200);
    assert.equal((await post('configure', { surprise: 1 })).status, 400);
    assert.equal((await post('faults', { faults: ['teapot'] })).status, 400);
    try {
      sim.resetRequests();
      const url = `${sim.url}/pojazdy?wojewodztwo=24&data-od=20230924&data-do=20231123&filter[marka]=BMW`;
      assert.equal((await fetch(url)).status, 404);
      const page = (await (await fetch(url)).json()) as any;
      assert.equal(page.meta.count, 101);
      const log = (await (await fetch(`${sim.url}/_simulator/requests`)).json()) as any;
      assert.deepEqual(log, { total: 2, byStatus: { 200: 1, 404: 1 }, pagesServed: 1, faultsInjected: 1 });
    } finally {
      sim.configure({ countGlitch: false });
    }
  });

  it('answers 429 "zaczekaj" beyond its rate limit, with X-Rate-Limit-Remaining 0', async () => {
    sim.configure({ rateLimitPerSecond: 2 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        const response = await fetch(`${sim.url}/pojazdy?wojewodztwo=24&data-od=20230101&data-do=20230102`);
        statuses.push([response.status, response.headers.get('x-rate-limit-remaining')]);
        await response.text();
      }
      assert.deepEqual(statuses.at(-1), [429, '0']);
    } finally {
      sim.configure({ rateLimitPerSecond: 1_000 });
    }
  });
});
