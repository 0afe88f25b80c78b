import type { Client } from '@temporalio/client';
import { MECHANICAL_TYPE } from '../simulators/accela/agency-data';
import type { Database } from '../platform/database';
import type { ChaosScale } from './scale';
import type { ChaosSimulators } from './simulators';
import type { StartedWork } from './workload';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const TERMINAL_JOB = ['completed', 'failed', 'cancelled'];

/** What one set of ids lacks and has too many of, against the truth, in a line. */
export function compareIds(actual: readonly string[], truth: readonly string[]): { ok: boolean; detail: string } {
  const seen = new Map<string, number>();
  for (const id of actual) seen.set(id, (seen.get(id) ?? 0) + 1);
  const truthSet = new Set(truth);
  const missing = truth.filter((id) => !seen.has(id));
  const extra = [...seen.keys()].filter((id) => !truthSet.has(id));
  const duplicated = [...seen.entries()].filter(([, count]) => count > 1).map(([id]) => id);
  const ok = missing.length === 0 && extra.length === 0 && duplicated.length === 0;
  const sample = (ids: string[]) => (ids.length ? ` (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})` : '');
  return {
    ok,
    detail: `${actual.length} rows for ${truth.length} expected: ${missing.length} lost${sample(missing)}, ${duplicated.length} duplicated${sample(duplicated)}, ${extra.length} unexpected${sample(extra)}`,
  };
}

async function runningWorkflows(client: Client): Promise<string[]> {
  const running: string[] = [];
  for await (const execution of client.workflow.list({ query: 'ExecutionStatus="Running"' })) running.push(`${execution.type} ${execution.workflowId}`);
  return running;
}

async function workflowStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (error) {
    return `unknown (${(error as Error).message})`;
  }
}

/** Everything started has ended: job rows terminal, no workflow running, no alert waiting to be sent. */
export async function workIsDone(db: Database, client: Client, work: StartedWork): Promise<boolean> {
  try {
    const jobs = await db.query('SELECT count(*) AS n FROM permit_pull_jobs WHERE id = ANY($1) AND status <> ALL($2)', [work.counties.map((c) => c.jobId), TERMINAL_JOB]);
    if (Number(jobs.rows[0].n) > 0) return false;
    const scrapes = await db.query(`SELECT count(*) AS n FROM scrape_runs WHERE status = 'running'`);
    if (Number(scrapes.rows[0].n) > 0) return false;
    const reports = await db.query('SELECT count(DISTINCT region_code) AS n FROM lease_expiry_reports WHERE region_code = ANY($1)', [work.reports.map((r) => r.region)]);
    if (Number(reports.rows[0].n) < work.reports.length) return false;
    const alerts = await db.query(`SELECT count(*) AS n FROM deal_alerts WHERE webhook_status = 'pending'`);
    if (Number(alerts.rows[0].n) > 0) return false;
    return (await runningWorkflows(client)).length === 0;
  } catch {
    return false; // PostgreSQL or Temporal is down: not done
  }
}

/** Every table against the simulators' ground truth, every job row against its workflow. */
export async function verify(db: Database, client: Client, scale: ChaosScale, simulators: ChaosSimulators, work: StartedWork): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const today = simulators.accela.today;

  // Permits, properties, leads and rejects per county.
  const acceptedRejects = await db.query(`SELECT external_id, reason FROM rejected_records WHERE source = 'accela'`);
  for (const county of work.counties) {
    const truth = simulators.accela.agency(county.agency).groundTruth(MECHANICAL_TYPE, today);
    const permits = await db.query('SELECT record_id FROM permits WHERE county_id = $1', [county.countyId]);
    const permitIds = permits.rows.map((row) => row.record_id as string);
    const permitComparison = compareIds(permitIds, truth.permitIds);
    check(`permits of ${county.agency}`, permitComparison.ok, permitComparison.detail);
    const counts = await db.query(
      'SELECT (SELECT count(*) FROM properties WHERE county_id = $1) AS properties, (SELECT count(*) FROM leads WHERE county_id = $1) AS leads',
      [county.countyId],
    );
    const properties = Number(counts.rows[0].properties);
    const leads = Number(counts.rows[0].leads);
    check(`properties of ${county.agency}`, properties === truth.propertyKeys.length, `${properties} for ${truth.propertyKeys.length} expected`);
    check(`leads of ${county.agency}`, leads === truth.leadKeys.length, `${leads} for ${truth.leadKeys.length} expected`);
    const rejects = acceptedRejects.rows.filter((row) => String(row.external_id ?? '').startsWith(`${county.agency}-`));
    const rejectComparison = compareIds(rejects.map((row) => row.external_id as string), truth.rejectedIds);
    const withoutReason = rejects.filter((row) => !row.reason).length;
    check(`malformed permits of ${county.agency} in rejected_records`, rejectComparison.ok && withoutReason === 0, `${rejectComparison.detail}; ${withoutReason} without a reason`);
    const job = await db.query('SELECT status, permits_saved, leads_created, error_message FROM permit_pull_jobs WHERE id = $1', [county.jobId]);
    const row = job.rows[0];
    const status = await workflowStatus(client, county.workflowId);
    check(
      `pull job ${county.jobId} (${county.agency})`,
      row?.status === 'completed' && status === 'COMPLETED' && Number(row.permits_saved) === truth.permitIds.length,
      `row ${row?.status} (permits_saved ${row?.permits_saved} for ${truth.permitIds.length}, leads_created ${row?.leads_created}${row?.error_message ? `, ${row.error_message}` : ''}), workflow ${status}`,
    );
  }

  // Lease-expiry reports and registrations per region and brand.
  let expectedCepikRejects = 0;
  for (const report of work.reports) {
    const rows = await db.query('SELECT * FROM lease_expiry_reports WHERE region_code = $1 ORDER BY id', [report.region]);
    check(`one report for region ${report.region}`, rows.rows.length === 1, `${rows.rows.length} report rows`);
    const row = rows.rows[0];
    if (!row) continue;
    const window = { from: isoDay(row.window_from), to: isoDay(row.window_to) };
    const status = await workflowStatus(client, row.workflow_id);
    check(`report job ${row.workflow_id}`, row.status === 'complete' && status === 'COMPLETED', `row ${row.status}${row.error ? ` (${row.error})` : ''}, workflow ${status}`);
    const stored = await db.query(
      `SELECT upper(brand) AS brand, count(*) AS n FROM vehicle_registrations
        WHERE voivodeship_code = $1 AND first_registration_date BETWEEN $2 AND $3 GROUP BY upper(brand)`,
      [report.region, window.from, window.to],
    );
    const storedBy = new Map(stored.rows.map((r) => [r.brand as string, Number(r.n)]));
    const wrong: string[] = [];
    for (const brand of row.brands as string[]) {
      const truth = simulators.cepik.countRegistrations({ region: report.region, brand, ...window });
      expectedCepikRejects += simulators.cepik.countMalformed({ region: report.region, brand, ...window });
      const reported = Number(row.counts[brand] ?? 0);
      const inTable = storedBy.get(brand.toUpperCase()) ?? 0;
      if (reported !== truth || inTable !== truth) wrong.push(`${brand}: report ${reported}, table ${inTable}, truth ${truth}`);
    }
    check(`registrations per brand in region ${report.region}`, wrong.length === 0, wrong.length ? wrong.join('; ') : `${(row.brands as string[]).length} brands exact (total ${row.total})`);
  }
  const cepikRejects = await db.query(`SELECT count(*) AS n, count(DISTINCT external_id) AS distinct_ids, count(*) FILTER (WHERE reason = '') AS blank FROM rejected_records WHERE source = 'cepik'`);
  const cepik = cepikRejects.rows[0];
  check(
    'malformed registrations in rejected_records',
    Number(cepik.n) === expectedCepikRejects && Number(cepik.distinct_ids) === expectedCepikRejects && Number(cepik.blank) === 0,
    `${cepik.n} rows (${cepik.distinct_ids} distinct) for ${expectedCepikRejects} malformed records served`,
  );

  // Listings per model, scrape runs, deal alerts.
  for (const scrape of work.scrapes) {
    const truth = simulators.autotrader.organicResults({ make: scrape.make, model: scrape.model, fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 });
    const listings = await db.query('SELECT advert_id FROM listings WHERE lower(make) = lower($1) AND lower(model) = lower($2)', [scrape.make, scrape.model]);
    const comparison = compareIds(listings.rows.map((r) => r.advert_id as string), [...new Set(truth.map((car) => car.advertId))]);
    check(`listings of ${scrape.make} ${scrape.model}`, comparison.ok, comparison.detail);
    const runs = await db.query('SELECT status, stop_reason, errors FROM scrape_runs WHERE workflow_id = $1', [scrape.workflowId]);
    const status = await workflowStatus(client, scrape.workflowId);
    const run = runs.rows[0];
    check(
      `scrape run ${scrape.workflowId}`,
      runs.rows.length === 1 && run.status === 'succeeded' && status === 'COMPLETED',
      `${runs.rows.length} run rows, ${run?.status} (${run?.stop_reason ?? ''}${run?.errors?.length ? `; ${run.errors.slice(0, 2).join(' | ')}` : ''}), workflow ${status}`,
    );
  }
  const alerts = await db.query('SELECT id, webhook_status FROM deal_alerts');
  const received = simulators.alerts.received.map((alert) => String(alert.body.id));
  const alertComparison = compareIds(received, alerts.rows.map((r) => String(r.id)));
  const unsent = alerts.rows.filter((r) => r.webhook_status !== 'sent').length;
  check('deal alerts delivered once each', alertComparison.ok && unsent === 0, `${alertComparison.detail}; ${unsent} not marked sent`);

  // CRM: one contact per person, every lead synced or skipped, the sync run's counts.
  const leads = work.crm.leads;
  const contacts = simulators.highlevel.contacts();
  const byKey = new Map<string, number>();
  for (const contact of contacts) {
    for (const key of [contact.email?.toLowerCase(), contact.phone].filter(Boolean) as string[]) byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  const shared = [...byKey.values()].filter((n) => n > 1).length;
  check('one CRM contact per person', contacts.length === leads.people && shared === 0, `${contacts.length} contacts for ${leads.people} people; ${shared} emails or phones on more than one contact`);
  const leadRows = await db.query(
    `SELECT sync_status, count(*) AS n, count(DISTINCT crm_contact_id) AS contacts FROM leads WHERE id = ANY($1) GROUP BY sync_status`,
    [leads.ids],
  );
  const byStatus = Object.fromEntries(leadRows.rows.map((r) => [r.sync_status, { n: Number(r.n), contacts: Number(r.contacts) }]));
  check(
    'CRM leads synced',
    byStatus.synced?.n === leads.count - leads.skipped && byStatus.synced?.contacts === leads.people && (byStatus.skipped?.n ?? 0) === leads.skipped,
    JSON.stringify(byStatus),
  );
  const syncRuns = await db.query('SELECT status, processed, created, updated, failed, skipped, error_message FROM crm_sync_runs WHERE workflow_id = $1', [work.crm.workflowId]);
  const syncRun = syncRuns.rows[0];
  const syncStatus = await workflowStatus(client, work.crm.workflowId);
  // A create whose answer timed out was done all the same: the retry finds the contact and updates it,
  // so `created` may fall short of the people by the creates that timed out; the contacts are the truth.
  check(
    `CRM sync run ${work.crm.workflowId}`,
    syncRuns.rows.length === 1 && syncRun.status === 'completed' && Number(syncRun.processed) === leads.count && Number(syncRun.skipped) === leads.skipped &&
      Number(syncRun.created) <= leads.people && Number(syncRun.failed) === 0 && syncStatus === 'COMPLETED',
    `${syncRuns.rows.length} run rows: ${syncRun?.status}, processed ${syncRun?.processed} of ${leads.count}, created ${syncRun?.created} (${leads.people} people), updated ${syncRun?.updated}, failed ${syncRun?.failed}, skipped ${syncRun?.skipped}${syncRun?.error_message ? ` (${syncRun.error_message})` : ''}; workflow ${syncStatus}`,
  );

  // Nothing left behind.
  const running = await runningWorkflows(client);
  check('no workflow left running', running.length === 0, running.length ? running.slice(0, 5).join(', ') : 'none running');
  const stuckJobs = await db.query(`SELECT id, status FROM permit_pull_jobs WHERE status IN ('pending', 'running')`);
  const stuckScrapes = await db.query(`SELECT id FROM scrape_runs WHERE status = 'running'`);
  const stuckSyncs = await db.query(`SELECT id FROM crm_sync_runs WHERE status = 'running'`);
  const stuck = stuckJobs.rows.length + stuckScrapes.rows.length + stuckSyncs.rows.length;
  check('no job row left running', stuck === 0, `${stuckJobs.rows.length} pull jobs, ${stuckScrapes.rows.length} scrape runs, ${stuckSyncs.rows.length} CRM syncs not terminal`);
  return checks;
}

function isoDay(value: Date | string): string {
  if (typeof value === 'string') return value.slice(0, 10);
  // DATE columns arrive as local midnight.
  return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
}
