import { rm } from 'node:fs/promises';
import os from 'node:os';
import { freePortRange } from '../platform/free-port';
import { SANDBOX_SIMULATOR_PORTS } from '../simulators/registry';
import { alertWebhookSimulatorDefinition } from '../simulators/alert-webhook/definition';
import { highlevelSimulatorDefinition } from '../simulators/highlevel/definition';
import { HIGHLEVEL_SIMULATOR_LOCATION, HIGHLEVEL_SIMULATOR_TOKEN } from '../simulators/highlevel/server';
import { stackFolderAndPorts, startStack, stopStack, waitForOutput } from '../test/support/stack';
import { reportBenchmark } from './results-file';

/**
 * The sandbox's timeline (issue 12: every pipeline's demo data within two minutes of start): `scripts/start-stack.ts`
 * with SOURCES=sandbox, as `npm run sandbox` runs it after its bootstrap, in a fresh data folder on free ports. Polls
 * the API each second and records, in seconds after the spawn: the banner; each demo county's first permits and leads
 * and when its data is current; the first lead synced to the HighLevel simulator and the CRM seeder's "all N demo leads
 * … synced" line; the first deal and the first alert the local webhook receiver got; the CEPiK report's log line. The
 * simulator's contacts are read once, at the end, as every search counts against the location's 100 requests per 10 s.
 * Reference: the CRM sync's rate-limit bound (its requests ÷ 10 per second), measured in the same run.
 */
const TARGET_S = 120;
const GIVE_UP_S = 600;
const TIERS = ['HOT', 'WARM', 'COOL', 'COLD'] as const;

interface County {
  id: number;
  platform: string;
  data_status: string;
}

async function main() {
  const folder = await stackFolderAndPorts();
  const simulatorBasePort = await freePortRange(SANDBOX_SIMULATOR_PORTS);
  const loadBefore = os.loadavg()[0]!;
  const spawnedAt = Date.now();
  const stack = startStack(folder.dataDir, folder.ports, { SOURCES: 'sandbox', SIMULATOR_BASE_PORT: String(simulatorBasePort), LOG_LEVEL: 'info' });
  const seconds = () => Number(((Date.now() - spawnedAt) / 1000).toFixed(1));
  const timeline: Record<string, number> = {};
  const mark = (event: string) => {
    if (event in timeline) return;
    timeline[event] = seconds();
    console.log(`+${timeline[event]} s  ${event}`);
  };
  try {
    const apiKey = (await waitForOutput(stack.output, /API key:\s+(\S+)/, GIVE_UP_S * 1000, stack.child))[1]!;
    mark('banner');
    const api = `http://127.0.0.1:${folder.ports.api}`;
    const get = async (pathAndQuery: string) => (await (await fetch(`${api}${pathAndQuery}`, { headers: { 'x-api-key': apiKey } })).json()) as any;
    const receiver = `http://127.0.0.1:${simulatorBasePort + alertWebhookSimulatorDefinition.portOffset}/`;
    let doneLine: string | undefined;
    let counties: County[] = [];
    while (seconds() < GIVE_UP_S) {
      const output = stack.output();
      if (/"seeder":"cepik"[^\n]*report \d+/.test(output)) mark('CEPiK report');
      doneLine ??= output.match(/all \d+ demo leads with a phone or email synced to the CRM simulator[^"\n]*/)?.[0];
      if (doneLine) mark('CRM seeder: all demo leads synced');
      counties = (await get('/api/counties')).data as County[];
      for (const county of counties) {
        if ((await get(`/api/permits?county_id=${county.id}&limit=1`)).data.length > 0) mark(`${county.platform}: first permits`);
        if ((await get(`/api/leads?county_id=${county.id}&limit=1`)).data.length > 0) mark(`${county.platform}: first leads`);
        if (county.data_status === 'current') mark(`${county.platform}: pulled, data current`);
      }
      if ((await get('/api/summit/sync-status')).data.counts.synced > 0) mark('CRM: first lead synced');
      if ((await get('/api/deals?limit=1')).data.deals.length > 0) mark('first deal');
      if (((await (await fetch(receiver)).json()) as { total_received: number }).total_received > 0) mark('first alert at the webhook receiver');
      const allCountiesCurrent = counties.length === 3 && counties.every((county) => county.data_status === 'current');
      if (allCountiesCurrent && doneLine && 'first alert at the webhook receiver' in timeline && 'CEPiK report' in timeline) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const allDemoDataS = Math.max(...Object.values(timeline));
    if (!doneLine) throw new Error(`the CRM seeder never said the demo leads were synced within ${GIVE_UP_S} s`);

    const status = (await get('/api/summit/sync-status')).data;
    const run = status.last_run;
    const syncS = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
    const boundS = run.requests / 10;
    const leadsByCounty: Record<string, Record<string, number>> = {};
    const exported = await fetch(`${api}/api/leads/export`, { headers: { 'x-api-key': apiKey, accept: 'application/x-ndjson' } });
    for (const line of (await exported.text()).trim().split('\n')) {
      const lead = JSON.parse(line) as { county_id: number; tier: string };
      const platform = counties.find((county) => county.id === lead.county_id)?.platform ?? String(lead.county_id);
      leadsByCounty[platform] ??= Object.fromEntries(TIERS.map((tier) => [tier, 0]));
      leadsByCounty[platform]![lead.tier]! += 1;
    }
    const highlevel = `http://127.0.0.1:${simulatorBasePort + highlevelSimulatorDefinition.portOffset}`;
    const search = await fetch(`${highlevel}/contacts/search`, {
      method: 'POST',
      headers: { version: '2021-07-28', authorization: `Bearer ${HIGHLEVEL_SIMULATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: HIGHLEVEL_SIMULATOR_LOCATION, pageLimit: 1 }),
    });
    const contacts = ((await search.json()) as { total: number }).total;
    const loadAfter = os.loadavg()[0]!;
    console.log(`all demo data ${allDemoDataS} s after the spawn (target ≤ ${TARGET_S} s); CRM sync ${syncS.toFixed(1)} s against a rate-limit bound of ${boundS.toFixed(1)} s; load ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${os.cpus().length} cores`);
    reportBenchmark(
      'sandbox',
      {
        timeline_s: timeline,
        crm_seeder_line: doneLine,
        leads_by_county_and_tier: leadsByCounty,
        crm_counts: status.counts,
        crm_run: { created: run.created, updated: run.updated, skipped: run.skipped, failed: run.failed, requests: run.requests },
        simulator_contacts: contacts,
        crm_sync_s: Number(syncS.toFixed(1)),
        crm_rate_limit_bound_s: Number(boundS.toFixed(1)),
        all_demo_data_s: allDemoDataS,
        target_all_demo_data_s: TARGET_S,
        load_average_1m_before: Number(loadBefore.toFixed(2)),
        load_average_1m_after: Number(loadAfter.toFixed(2)),
        cpus: os.cpus().length,
      },
      [
        { figure: 'sandbox: every pipeline’s demo data', value: allDemoDataS, unit: 's', target: { op: '<=', value: TARGET_S } },
        { figure: 'sandbox: CRM sync of the demo leads', value: syncS, unit: 's', reference: { name: 'rate-limit bound', value: boundS } },
      ],
    );
  } finally {
    await stopStack(stack.child);
    await rm(folder.dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
