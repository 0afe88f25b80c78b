import type { Database } from '../platform/database';
import { insertSyntheticLeads, type SyntheticLeads } from '../test/crm/synthetic-leads';
import type { ChaosScale } from './scale';
import type { ChaosSimulators } from './simulators';
import { CHAOS_API_KEY } from './stack';

export interface StartedWork {
  counties: Array<{ agency: string; countyId: number; jobId: number; workflowId: string }>;
  reports: Array<{ region: string; jobId: string }>;
  scrapes: Array<{ make: string; model: string; workflowId: string }>;
  crm: { workflowId: string; leads: SyntheticLeads & { ids: number[] } };
}

export async function api(base: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { 'x-api-key': CHAOS_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the error message
  }
  return { status: response.status, body: parsed };
}

async function expectStatus(base: string, method: string, route: string, statuses: number[], body?: unknown) {
  const answer = await api(base, method, route, body);
  if (!statuses.includes(answer.status)) throw new Error(`${method} ${route} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
  return answer.body;
}

/**
 * Starts everything at once through the HTTP API, as an operator would: a historical pull per county,
 * a lease-expiry report per region, a scrape per model, and a CRM sync of the synthetic leads.
 */
export async function startWork(base: string, db: Database, scale: ChaosScale, simulators: ChaosSimulators): Promise<StartedWork> {
  const credentials = simulators.accelaCredentials;
  await expectStatus(base, 'PUT', '/api/summit/config', [200], { api_token: simulators.highlevel.token, location_id: simulators.highlevel.locationId });
  const leads = await insertSyntheticLeads(db, scale.leads, 0, 3);

  const counties: StartedWork['counties'] = [];
  for (const agency of scale.counties) {
    const county = await expectStatus(base, 'POST', '/api/counties', [201], {
      name: `Chaos ${agency}`, agency_name: agency, environment: 'TEST', app_id: credentials.appId, app_secret: credentials.appSecret,
      username: credentials.username, password: credentials.password,
    });
    const countyId = county.data.id as number;
    const job = await expectStatus(base, 'POST', `/api/background-jobs/counties/${countyId}/jobs`, [202], {
      job_type: 'initial_pull', parameters: { years: scale.years },
    });
    counties.push({ agency, countyId, jobId: job.data.id, workflowId: job.data.workflow_id });
  }
  const reports: StartedWork['reports'] = [];
  for (const region of scale.regions) {
    const report = await expectStatus(base, 'GET', `/api/registrations/lease-expiry?region=${encodeURIComponent(region)}`, [200, 202]);
    reports.push({ region, jobId: report.data.job_id ?? `report ${report.meta?.report_id}` });
  }
  const scrapes: StartedWork['scrapes'] = [];
  for (const { make, model } of scale.models) {
    const scrape = await expectStatus(base, 'POST', '/api/scrape', [202], { make, model });
    scrapes.push({ make, model, workflowId: scrape.data.workflow_id });
  }
  const sync = await expectStatus(base, 'POST', '/api/leads/sync-to-summit', [202], { lead_ids: leads.ids });
  return { counties, reports, scrapes, crm: { workflowId: sync.data.workflow_id, leads } };
}
