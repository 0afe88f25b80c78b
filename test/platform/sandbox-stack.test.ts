import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { freePortRange } from '../../platform/free-port';
import { SANDBOX_SIMULATOR_PORTS } from '../../simulators/registry';
import { BANNER_MAX_WIDTH } from '../../sandbox/banner';
import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../../simulators/highlevel/server';
import { alertWebhookSimulatorDefinition } from '../../simulators/alert-webhook/definition';
import { highlevelSimulatorDefinition } from '../../simulators/highlevel/definition';
import { stackFolderAndPorts, startStack, stopStack, waitForOutput } from '../support/stack';
import { waitFor } from '../support/wait-for';

interface DemoLead {
  owner_phone: string | null;
  owner_email: string | null;
  sync_status: string;
  crm_contact_id: string | null;
}

// Generous: the whole stack, three 30-year permit pulls, Chromium scrapes and a CEPiK report on a loaded machine.
const DEMO_DATA_WAIT_MS = 600_000;

describe('npm run sandbox: every pipeline shows its demo data', { timeout: 900_000 }, () => {
  let dataDir: string;
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('pulls a demo county per platform with leads of every tier, syncs every demo lead with a phone or email to the CRM simulator and says so, delivers deal alerts to the local receiver and runs the CEPiK report', async () => {
    const folder = await stackFolderAndPorts();
    dataDir = folder.dataDir;
    const simulatorBasePort = await freePortRange(SANDBOX_SIMULATOR_PORTS);
    const stack = startStack(dataDir, folder.ports, {
      SOURCES: 'sandbox',
      SIMULATOR_BASE_PORT: String(simulatorBasePort),
      AUTOTRADER_SANDBOX_MODELS: 'Ford:Fiesta,Volkswagen:Golf',
    });
    try {
      const apiKey = (await waitForOutput(stack.output, /API key:\s+(\S+)/, 300_000, stack.child))[1]!;
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

      // The CRM seeder says when the sync of the demo leads is over; every lead with a phone or email must then be synced.
      const done = await waitForOutput(stack.output, /"seeder":"highlevel"[^\n]*all (\d+) demo leads with a phone or email synced to the CRM simulator/, DEMO_DATA_WAIT_MS);
      const synced = Number(done[1]);
      const status = (await get(`${api}/api/summit/sync-status`)).body.data;
      const { pending, failed } = status.counts;
      assert.deepEqual({ pending, synced: status.counts.synced, failed }, { pending: 0, synced, failed: 0 }, 'no demo lead is left pending or failed');
      assert.ok(synced > 0, 'the demo has leads to sync');
      assert.equal(status.last_run.status, 'completed');
      assert.equal(status.last_run.created + status.last_run.updated, synced, 'the run synced every synced lead');
      assert.equal(status.last_run.skipped, status.counts.skipped);

      const exported = await fetch(`${api}/api/leads/export`, { headers: { 'x-api-key': apiKey, accept: 'application/x-ndjson' } });
      const leads = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as DemoLead);
      assert.equal(leads.length, synced + status.counts.skipped, 'the export holds every demo lead');
      const unsynced = leads.filter((lead) => (lead.owner_phone || lead.owner_email) && (lead.sync_status !== 'synced' || !lead.crm_contact_id));
      assert.deepEqual(unsynced, [], 'every demo lead with a phone or email is synced to a contact');
      const skippedWithContact = leads.filter((lead) => lead.sync_status === 'skipped' && (lead.owner_phone || lead.owner_email));
      assert.deepEqual(skippedWithContact, [], 'only leads without a phone or email are skipped');

      const highlevel = `http://127.0.0.1:${simulatorBasePort + highlevelSimulatorDefinition.portOffset}`;
      const contacts = await fetch(`${highlevel}/contacts/search`, {
        method: 'POST',
        headers: { version: '2021-07-28', authorization: `Bearer ${HIGHLEVEL_SIMULATOR_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ locationId: HIGHLEVEL_SIMULATOR_LOCATION, pageLimit: 500 }),
      });
      const found = (await contacts.json()) as { total: number; contacts: { id: string }[] };
      assert.equal(found.contacts.length, found.total, 'one page holds every contact of the demo');
      // Leads of one owner go to one contact (the run's `updated` count), so contacts can be fewer than leads.
      const contactIds = new Set(leads.flatMap((lead) => (lead.crm_contact_id ? [lead.crm_contact_id] : [])));
      assert.deepEqual(new Set(found.contacts.map((contact) => contact.id)), contactIds, "the simulator holds exactly the synced leads' contacts");
      assert.equal(found.total, status.last_run.created, 'one contact created per person');

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
        for (const tier of ['HOT', 'WARM', 'COOL', 'COLD']) {
          const ofTier = await get(`${api}/api/leads?county_id=${county.id}&tier=${tier}&limit=1`);
          assert.equal(ofTier.body.data.length, 1, `the ${county.platform} demo county has ${tier} leads`);
        }
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
