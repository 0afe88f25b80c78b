import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { freePort } from '../../platform/free-port';
import { BANNER_MAX_WIDTH } from '../../sandbox/banner';
import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../../simulators/highlevel/server';
import { alertWebhookSimulatorDefinition } from '../../simulators/alert-webhook/definition';
import { highlevelSimulatorDefinition } from '../../simulators/highlevel/definition';
import { stackFolderAndPorts, startStack, stopStack, waitForOutput } from '../support/stack';
import { waitFor } from '../support/wait-for';

// Generous: the whole stack, three 30-year permit pulls, Chromium scrapes and a CEPiK report on a loaded machine.
const DEMO_DATA_WAIT_MS = 600_000;

describe('npm run sandbox: every pipeline shows its demo data', { timeout: 900_000 }, () => {
  let dataDir: string;
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('pulls a demo county per platform, syncs the demo leads to the CRM simulator, delivers deal alerts to the local receiver and runs the CEPiK report', async () => {
    const folder = await stackFolderAndPorts();
    dataDir = folder.dataDir;
    const simulatorBasePort = await freePort();
    const stack = startStack(dataDir, folder.ports, {
      SOURCES: 'sandbox',
      SIMULATOR_BASE_PORT: String(simulatorBasePort),
      AUTOTRADER_SANDBOX_MODELS: 'Ford:Fiesta,Volkswagen:Golf',
    });
    try {
      const apiKey = (await waitForOutput(stack.output, /API key:\s+(\S+)/, 300_000))[1]!;
      const banner = (await waitForOutput(stack.output, /Prospector is running[\s\S]*?Ctrl-C stops everything\./, 10_000))[0];
      const wide = banner.split('\n').filter((line) => line.length > BANNER_MAX_WIDTH);
      assert.deepEqual(wide, [], 'every banner line fits a terminal');
      for (const mention of ['/api/counties', '/api/leads?county_id=', '/api/summit/sync-status', '/contacts/search', '/api/alerts', '/api/registrations/lease-expiry', '/workflows']) {
        assert.ok(banner.includes(mention), `the banner names ${mention}`);
      }

      const metricsUrl = banner.match(/Worker metrics:\s+(\S+)/)?.[1];
      assert.ok(metricsUrl, 'the banner names the worker metrics');
      await waitFor('the worker metrics', async () => (await fetch(metricsUrl).catch(() => null))?.status === 200, { timeoutMs: 60_000, intervalMs: 1_000 });

      const api = `http://127.0.0.1:${folder.ports.api}`;
      const get = async (url: string) => {
        const response = await fetch(url, { headers: { 'x-api-key': apiKey } });
        return { status: response.status, body: (await response.json()) as any };
      };

      await waitForOutput(stack.output, /"seeder":"cepik"[^\n]*report \d+/, DEMO_DATA_WAIT_MS);
      const report = await get(`${api}/api/registrations/lease-expiry?region=24`);
      assert.equal(report.status, 200, 'the start-up report answers at once, with no new pull');

      const synced = await waitFor(
        'demo leads synced to the CRM simulator',
        async () => {
          const { body } = await get(`${api}/api/summit/sync-status`);
          return body.data.counts.synced > 0 && body.data.counts.pending === 0 ? (body.data.counts.synced as number) : null;
        },
        { timeoutMs: DEMO_DATA_WAIT_MS, intervalMs: 2_000 },
      );
      const highlevel = `http://127.0.0.1:${simulatorBasePort + highlevelSimulatorDefinition.portOffset}`;
      const contacts = await fetch(`${highlevel}/contacts/search`, {
        method: 'POST',
        headers: { version: '2021-07-28', authorization: `Bearer ${HIGHLEVEL_SIMULATOR_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ locationId: HIGHLEVEL_SIMULATOR_LOCATION, pageLimit: 1 }),
      });
      const { total } = (await contacts.json()) as { total: number };
      // Leads of one owner upsert one contact (the sync's `updated` count), so contacts can be fewer than leads.
      assert.ok(total > 0 && total <= synced, `the simulator holds the synced leads' contacts: ${total} for ${synced} leads`);

      // One demo county per platform, each pulled: permits, leads, and its data current.
      const counties = await waitFor(
        'the three demo counties pulled',
        async () => {
          const { body } = await get(`${api}/api/counties`);
          const all = body.data as { id: number; platform: string; data_status: string }[];
          return all.length === 3 && all.every((county) => county.data_status === 'current') ? all : null;
        },
        { timeoutMs: DEMO_DATA_WAIT_MS, intervalMs: 2_000 },
      );
      assert.deepEqual(counties.map((county) => county.platform).sort(), ['accela', 'arcgis', 'socrata']);
      for (const county of counties) {
        const permits = await get(`${api}/api/permits?county_id=${county.id}&limit=1`);
        const leads = await get(`${api}/api/leads?county_id=${county.id}&limit=1`);
        assert.ok(permits.body.data.length > 0 && leads.body.data.length > 0, `the ${county.platform} demo county has permits and leads`);
      }

      const receiver = `http://127.0.0.1:${simulatorBasePort + alertWebhookSimulatorDefinition.portOffset}/`;
      const received = await waitFor(
        'a deal alert delivered to the local webhook receiver',
        async () => {
          const body = (await (await fetch(receiver)).json()) as { total_received: number; alerts: { body: { id: number } }[] };
          return body.total_received > 0 ? body.alerts : null;
        },
        { timeoutMs: DEMO_DATA_WAIT_MS, intervalMs: 2_000 },
      );
      const alerts = await waitFor(
        'the delivered alert marked sent',
        async () => {
          const { body } = await get(`${api}/api/alerts`);
          const sent = (body.data.alerts as { id: number; webhook_status: string }[]).filter((alert) => alert.webhook_status === 'sent');
          return sent.length > 0 ? sent : null;
        },
        { timeoutMs: 60_000, intervalMs: 1_000 },
      );
      assert.ok(alerts.some((alert) => received.some((delivery) => delivery.body.id === alert.id)), 'a sent alert is one the receiver holds');
    } catch (error) {
      await stopStack(stack.child);
      throw new Error(`${(error as Error).message}\nlast stack output:\n${stack.output().slice(-8_000)}`, { cause: error });
    }
    assert.equal(await stopStack(stack.child), 0, 'the sandbox stops cleanly');
  });
});
