import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type SourceCheck, sourcesStatus } from '../../domain/operations/source-health';
import { freePort } from '../../platform/free-port';
import { SourceHealthMonitor, type SourceProbeProvider } from '../../services/platform/source-health';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

const check = (overrides: Partial<SourceCheck>): SourceCheck => ({
  source: 'cepik',
  target: 'api.cepik.gov.pl',
  reachable: true,
  authenticated: null,
  message: 'HTTP 200',
  last_checked: '2026-12-03T14:00:00.000Z',
  response_time_ms: 12,
  ...overrides,
});

describe('external sources status', () => {
  it('is unknown before the first round, healthy when all answer, degraded naming each failing source', () => {
    assert.equal(sourcesStatus([], 0).status, 'unknown');
    assert.equal(sourcesStatus([check({})], 1).status, 'healthy');
    const failing = sourcesStatus(
      [check({}), check({ source: 'accela', target: 'county 3 (Pinellas)', authenticated: false }), check({ source: 'autotrader', target: 'www.autotrader.co.uk', reachable: false })],
      1,
    );
    assert.equal(failing.status, 'degraded');
    assert.match(failing.message, /accela county 3 \(Pinellas\): credentials refused; autotrader www\.autotrader\.co\.uk: unreachable/);
  });
});

describe('external sources in /api/health', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let site: Server;
  let siteUrl: string;
  const monitors: SourceHealthMonitor[] = [];

  before(async () => {
    database = await createTestDatabase('source_health');
    temporal = await connectTestTemporal();
    site = createServer((_request, response) => response.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  });
  after(async () => {
    for (const monitor of monitors) await monitor.stop();
    site?.close();
    await temporal?.teardown();
    await database?.drop();
  });

  function apiWith(monitor: SourceHealthMonitor) {
    monitors.push(monitor);
    return createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('health'), sourceHealth: () => monitor.component() });
  }

  it('answers at once while a source has not answered yet', async () => {
    // This probe answers only once the health request has returned: a request that waited on it would never return.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const heldBack: SourceProbeProvider = async () => [
      { source: 'held', target: 'back', probe: async () => (await released, { reachable: true, authenticated: true, message: 'late' }) },
    ];
    const monitor = new SourceHealthMonitor({ settings: undefined!, db: database.db, secrets: undefined! }, { intervalMs: 60_000, providers: [heldBack] });
    const api = apiWith(monitor);
    const round = monitor.checkNow();
    const during = await api.json('/api/health');
    release();
    assert.equal(during.body.data.components.sources.status, 'unknown');
    assert.equal(during.body.data.components.sources.priority, 'medium');
    await round;
    const afterRound = await api.json('/api/health');
    assert.equal(afterRound.body.data.components.sources.status, 'healthy', JSON.stringify(afterRound.body.data.components.sources));
  });

  it('reports a source that hangs as unreachable once its probe timed out, with last_checked', async () => {
    const hanging: SourceProbeProvider = async () => [{ source: 'hangs', target: 'nowhere', probe: () => new Promise(() => undefined) }];
    const answering: SourceProbeProvider = async () => [{ source: 'answers', target: 'here', probe: async () => ({ reachable: true, authenticated: true, message: 'ok' }) }];
    const monitor = new SourceHealthMonitor(
      { settings: undefined!, db: database.db, secrets: undefined! },
      { intervalMs: 60_000, timeoutMs: 300, providers: [hanging, answering] },
    );
    const api = apiWith(monitor);
    await monitor.checkNow();
    const report = await api.json('/api/health');
    const sources = report.body.data.components.sources;
    assert.equal(sources.status, 'degraded');
    assert.match(sources.message, /hangs nowhere: unreachable/);
    const checks = sources.details.checks as SourceCheck[];
    const hung = checks.find((entry) => entry.source === 'hangs')!;
    assert.match(hung.message, /did not answer within 300 ms/);
    assert.ok(!Number.isNaN(Date.parse(hung.last_checked)));
    assert.equal(sources.details.last_checked, checks.map((entry) => entry.last_checked).sort().at(-1));
    assert.equal(checks.find((entry) => entry.source === 'answers')?.authenticated, true);
    assert.notEqual(report.body.data.status, 'healthy', 'a failing external source degrades the whole');
  });

  it('probes the configured sources: CEPiK and AutoTrader by their base URLs, no county or CRM before they are configured', async () => {
    const closedPort = await freePort();
    const { settings } = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('health'), env: { CEPIK_BASE_URL: siteUrl, AUTOTRADER_BASE_URL: `http://127.0.0.1:${closedPort}/` } });
    const monitor = new SourceHealthMonitor({ settings, db: database.db, secrets: undefined! }, { intervalMs: 60_000, timeoutMs: 5_000 });
    monitors.push(monitor);
    await monitor.checkNow();
    const component = monitor.component();
    const checks = (component.details as { checks: SourceCheck[] }).checks;
    assert.deepEqual(checks.map((entry) => [entry.source, entry.reachable]).sort(), [['autotrader', false], ['cepik', true]]);
    assert.equal(component.status, 'degraded');
  });
});
