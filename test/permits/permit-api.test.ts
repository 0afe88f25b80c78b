import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { createApp } from '../../api/app';
import { loadSettings } from '../../config/settings';
import { TEST_API_KEY } from '../support/api';
import { recordResponses } from '../support/audit/response-recorder';
import { uniqueQueues } from '../support/temporal';
import { type PermitPullStack, startPermitPullStack, waitForJobEnd } from './permit-test-support';

const API_KEY = TEST_API_KEY;

describe('permit pipeline HTTP API', () => {
  let stack: PermitPullStack;
  let database: PermitPullStack['database'];
  let temporal: PermitPullStack['temporal'];
  let workers: PermitPullStack['workers'];
  let sim: PermitPullStack['sim'];
  let call: (path: string, init?: { method?: string; body?: unknown }) => Promise<{ status: number; body: { success: boolean; data: any; error: any } }>;
  const queues = uniqueQueues('permits-api');
  const countyIds: number[] = [];

  before(async () => {
    stack = await startPermitPullStack({
      label: 'permits_api',
      queues,
      simulator: { seed: 'api', permitsPerAgency: 500 },
      env: { ACCELA_WINDOW_DAYS: '366', CRM_AUTO_SYNC: 'false' },
    });
    ({ database, temporal, workers, sim } = stack);
    // The API seals county secrets with the same key the workers open them with, as in one deployment.
    const settings = loadSettings({ ...process.env, ...stack.env, API_KEYS: API_KEY });
    const app = recordResponses(createApp({ settings, db: database.db, temporal: temporal.client, namespace: 'default', queues, secrets: workers.secrets, startedAt: new Date() }));
    call = async (path, init = {}) => {
      const response = await app.request(path, {
        method: init.method ?? 'GET',
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
  });
  after(async () => {
    await stack?.stop(countyIds);
  });

  const credentials = () => ({
    agency_name: 'SARASOTA', environment: 'TEST', app_id: sim.simulator.credentials.appId, app_secret: sim.simulator.credentials.appSecret,
    username: sim.simulator.credentials.username, password: sim.simulator.credentials.password,
  });

  it('validates county requests and names the offending fields', async () => {
    const missing = await call('/api/counties', { method: 'POST', body: { name: 'X' } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /agency_name/);
    const badZone = await call('/api/counties', { method: 'POST', body: { name: 'X', ...credentials(), time_zone: 'Mars/Olympus' } });
    assert.equal(badZone.status, 400);
    assert.match(badZone.body.error.message, /time_zone: not an IANA time zone/);
    const extra = await call('/api/counties', { method: 'POST', body: { name: 'X', ...credentials(), surprise: 1 } });
    assert.equal(extra.status, 400);
    assert.equal((await call('/api/counties/abc')).status, 400);
    assert.equal((await call('/api/counties/999999')).status, 404);
  });

  it('stores secrets encrypted, returns them masked and tests credentials', async () => {
    const created = await call('/api/counties', { method: 'POST', body: { name: 'Sarasota County', ...credentials() } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const county = created.body.data;
    countyIds.push(county.id);
    assert.equal(county.permit_type, 'Building/Residential/Trade/Mechanical');
    assert.equal(county.module, 'Building');
    assert.notEqual(county.app_secret, sim.simulator.credentials.appSecret);
    assert.match(county.app_secret, /\*\*\*\*/);
    assert.equal(JSON.stringify(created.body).includes(sim.simulator.credentials.password), false);
    const stored = await database.db.query(`SELECT app_secret_encrypted, password_encrypted FROM counties WHERE id = $1`, [county.id]);
    assert.match(stored.rows[0].app_secret_encrypted, /^v1:/);
    assert.equal(JSON.stringify(stored.rows[0]).includes(sim.simulator.credentials.appSecret), false);
    assert.equal((await call('/api/counties', { method: 'POST', body: { name: 'Again', ...credentials() } })).status, 409);

    const test = await call(`/api/counties/${county.id}/test`, { method: 'POST' });
    assert.deepEqual([test.status, test.body.data.success, test.body.data.records_seen], [200, true, 1]);
    const wrong = await call('/api/counties/test-credentials', { method: 'POST', body: { ...credentials(), password: 'wrong' } });
    assert.equal(wrong.body.data.success, false);
    assert.equal(wrong.body.data.error_code, 'invalid_userid_or_password');

    const renamed = await call(`/api/counties/${county.id}`, { method: 'PUT', body: { name: 'Sarasota' } });
    assert.deepEqual([renamed.status, renamed.body.data.name], [200, 'Sarasota']);
    assert.equal((await call(`/api/counties/${county.id}`, { method: 'PUT', body: { environment: 'DEV' } })).status, 400);
  });

  it('takes Socrata and ArcGIS counties with their source, field mapping and token sealed and masked', async () => {
    const mapping = { permit_number: 'permit_', description: 'work_description', issued_date: 'issue_date', pull_date: 'issue_date' };
    const socrata = { platform: 'socrata', name: 'Chicago', domain: 'data.cityofchicago.org', dataset_id: 'ydr8-5enu', field_mapping: mapping, time_zone: 'America/Chicago' };
    const token = 'socrata-app-token-0123456789';
    const created = await call('/api/counties', { method: 'POST', body: { ...socrata, source_token: token } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const county = created.body.data;
    countyIds.push(county.id);
    assert.deepEqual([county.platform, county.agency_name, county.app_id, county.app_secret], ['socrata', 'data.cityofchicago.org/ydr8-5enu', null, null]);
    assert.deepEqual(county.source, { platform: 'socrata', domain: 'data.cityofchicago.org', dataset_id: 'ydr8-5enu', field_mapping: mapping });
    assert.equal(county.source_token, 'so****89');
    assert.equal(JSON.stringify(created.body).includes(token), false);
    const stored = await database.db.query(`SELECT source_token_encrypted FROM counties WHERE id = $1`, [county.id]);
    assert.match(stored.rows[0].source_token_encrypted, /^v1:/);
    assert.equal((await call('/api/counties', { method: 'POST', body: socrata })).status, 409);

    const badRequests: Array<[unknown, RegExp]> = [
      [{ ...socrata, dataset_id: 'chicago' }, /dataset_id: not a Socrata dataset id/],
      [{ ...socrata, domain: 'https://data.cityofchicago.org/resource' }, /domain: not a host name or base URL/],
      [{ ...socrata, field_mapping: { permit_number: 'permit_' } }, /field_mapping.pull_date/],
      [{ ...socrata, field_mapping: { ...mapping, colour: 'x' } }, /colour/],
      [{ ...socrata, app_id: 'x' }, /app_id/],
      [{ platform: 'arcgis', name: 'Miami', layer_url: 'https://example.com/arcgis/rest/services/Permits', field_mapping: mapping }, /layer_url: not a layer URL/],
      [{ platform: 'tyler', name: 'X' }, /platform/],
    ];
    for (const [body, message] of badRequests) {
      const refused = await call('/api/counties', { method: 'POST', body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.match(refused.body.error.message, message);
    }

    const layerUrl = 'https://services1.arcgis.com/CvuPhqcTQpZPT9qY/arcgis/rest/services/Building_Permits_Since_2014/FeatureServer/0';
    const arcgis = await call('/api/counties', { method: 'POST', body: { platform: 'arcgis', name: 'Miami', layer_url: layerUrl, field_mapping: mapping } });
    assert.equal(arcgis.status, 201, JSON.stringify(arcgis.body));
    countyIds.push(arcgis.body.data.id);
    assert.deepEqual([arcgis.body.data.platform, arcgis.body.data.source.layer_url, arcgis.body.data.source_token], ['arcgis', layerUrl, null]);

    const retokened = await call(`/api/counties/${county.id}`, { method: 'PUT', body: { source_token: null, source: { ...county.source, dataset_id: 'abcd-1234' } } });
    assert.deepEqual([retokened.status, retokened.body.data.source_token, retokened.body.data.agency_name], [200, null, 'data.cityofchicago.org/abcd-1234']);
    const platformChange = await call(`/api/counties/${county.id}`, { method: 'PUT', body: { source: { platform: 'arcgis', layer_url: layerUrl, field_mapping: mapping } } });
    assert.equal(platformChange.status, 409);
    assert.match(platformChange.body.error.message, /cannot become arcgis/);
    assert.equal((await call(`/api/counties/${county.id}`, { method: 'PUT', body: { password: 'x' } })).status, 409);
    assert.equal((await call(`/api/counties/${countyIds[0]}`, { method: 'PUT', body: { source_token: 'x' } })).status, 409);
  });

  it('runs a historical pull through the jobs API, then lists permits, properties and leads', async () => {
    const countyId = countyIds[0]!;
    assert.equal((await call(`/api/background-jobs/counties/${countyId}/jobs`, { method: 'POST', body: { job_type: 'weekly' } })).status, 400);
    const started = await call(`/api/background-jobs/counties/${countyId}/jobs`, { method: 'POST', body: { job_type: 'initial_pull', parameters: { years: 30 } } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const again = await call(`/api/background-jobs/counties/${countyId}/jobs`, { method: 'POST', body: { job_type: 'initial_pull' } });
    assert.equal(again.status, 409);
    await waitForJobEnd(database.db, started.body.data.id);
    const job = await call(`/api/background-jobs/jobs/${started.body.data.id}`);
    assert.equal(job.body.data.status, 'completed', job.body.data.error_message);
    assert.equal(job.body.data.progress_percent, 100);
    const truth = sim.simulator.agency('SARASOTA').groundTruth('Building/Residential/Trade/Mechanical', new Date().toISOString().slice(0, 10));
    assert.equal(job.body.data.permits_saved, truth.permitIds.length);
    const listed = await call(`/api/background-jobs/counties/${countyId}/jobs?status=completed`);
    assert.deepEqual(listed.body.data.map((j: any) => j.id), [started.body.data.id]);

    const permits = await call(`/api/permits?county_id=${countyId}&limit=1000`);
    assert.equal(permits.body.data.length, truth.permitIds.length);
    const opened = permits.body.data.map((p: any) => p.opened_date);
    assert.deepEqual(opened, [...opened].sort().reverse());
    assert.equal((await call(`/api/permits?date_from=2024-02-01&date_to=2024-01-01`)).status, 400);
    assert.equal((await call(`/api/permits?date_from=2024-13-01`)).status, 400);
    const windowed = await call(`/api/permits?county_id=${countyId}&date_from=2020-01-01&date_to=2020-12-31&limit=1000`);
    assert.ok(windowed.body.data.every((p: any) => p.opened_date.startsWith('2020')));
    const one = await call(`/api/permits/${permits.body.data[0].id}`);
    assert.equal(one.body.data.raw.id, one.body.data.record_id);
    // The county pulls mechanical permits only: every one is tagged hvac, in the canonical model.
    const hvac = await call(`/api/permits?county_id=${countyId}&trade=hvac&limit=1000`);
    assert.equal(hvac.body.data.length, truth.permitIds.length);
    assert.ok(hvac.body.data.every((p: any) => p.trades.includes('hvac') && p.permit_type_mapped === 'Mechanical' && p.permit_number && p.applied_date === p.opened_date.slice(0, 10)));
    assert.equal((await call(`/api/permits?county_id=${countyId}&trade=roofing`)).body.data.length, 0);
    assert.equal((await call(`/api/permits?trade=carpentry`)).status, 400);

    const properties = await call(`/api/properties?county_id=${countyId}&limit=1000`);
    assert.equal(properties.body.data.length, truth.propertyKeys.length);
    assert.equal((await call('/api/properties?tier=LUKEWARM')).status, 400);
    const hot = await call(`/api/properties?county_id=${countyId}&tier=HOT&limit=1000`);
    assert.ok(hot.body.data.every((p: any) => p.lead_tier === 'HOT' && p.lead_score >= 75));

    const leads = await call(`/api/leads?county_id=${countyId}&sync_status=pending&limit=1000`);
    assert.equal(leads.body.data.length, truth.leadKeys.length);
    const lead = leads.body.data[0];
    const noted = await call(`/api/leads/${lead.id}/notes`, { method: 'PUT', body: { notes: 'Call after 5pm' } });
    assert.deepEqual([noted.status, noted.body.data.notes], [200, 'Call after 5pm']);
    assert.equal((await call('/api/leads/999999/notes', { method: 'PUT', body: { notes: 'x' } })).status, 404);

    const permitOfLead = await database.db.query(`SELECT id FROM permits WHERE property_id = $1 LIMIT 1`, [lead.property_id]);
    const fromPermits = await call('/api/leads/create-from-permits', { method: 'POST', body: { permit_ids: [permitOfLead.rows[0].id] } });
    assert.equal(fromPermits.status, 200);
    assert.deepEqual(fromPermits.body.data.leads.map((l: any) => l.id), [lead.id]);
    assert.equal(fromPermits.body.data.leads_created, 0, 'the lead existed already');
    assert.equal((await call('/api/leads/create-from-permits', { method: 'POST', body: { permit_ids: [999999] } })).status, 404);
    assert.equal((await call('/api/leads/create-from-permits', { method: 'POST', body: { permit_ids: [] } })).status, 400);

    const stats = await call(`/api/counties/${countyId}/rate-limit-stats`);
    assert.ok(stats.body.data.requests_made > 0);
    assert.equal(stats.body.data.throttled_count, 0);
  });

  it('ends a pull whose credentials Accela refuses as failed, with the Accela error', async () => {
    const created = await call('/api/counties', { method: 'POST', body: { name: 'Refused', ...credentials(), agency_name: 'REFUSED', password: 'not-the-password' } });
    countyIds.push(created.body.data.id);
    const started = await call(`/api/background-jobs/counties/${created.body.data.id}/jobs`, { method: 'POST', body: { job_type: 'initial_pull', parameters: { years: 2 } } });
    assert.equal(started.status, 202);
    const outcome = await temporal.client.workflow.getHandle(started.body.data.workflow_id).result().catch((error: unknown) => error);
    assert.ok(outcome instanceof WorkflowFailedError, String(outcome));
    const job = await waitForJobEnd(database.db, started.body.data.id);
    assert.equal(job.status, 'failed');
    assert.match(job.error_message, /invalid_userid_or_password/);
  });

  it('shows, pauses, resumes and triggers the weekly schedule; pulls an ad-hoc window; manages finished jobs', async () => {
    const countyId = countyIds[0]!;
    const schedule = await call(`/api/counties/${countyId}/schedule`);
    assert.deepEqual([schedule.status, schedule.body.data.interval_days, schedule.body.data.paused], [200, 7, false]);
    assert.equal((await call(`/api/counties/${countyId}/schedule/pause`, { method: 'POST' })).body.data.paused, true);
    assert.equal((await call(`/api/counties/${countyId}/schedule/resume`, { method: 'POST' })).body.data.paused, false);
    assert.equal((await call(`/api/counties/${countyId}/schedule/explode`, { method: 'POST' })).status, 400);

    assert.equal((await call(`/api/counties/${countyId}/pull-permits`, { method: 'POST', body: { date_from: '2024-03-01', date_to: '2024-01-01' } })).status, 400);
    assert.equal((await call('/api/counties/999999/pull-permits', { method: 'POST', body: { date_from: '2024-01-01', date_to: '2024-03-01' } })).status, 404);
    const adHoc = await call(`/api/counties/${countyId}/pull-permits`, { method: 'POST', body: { date_from: '2024-01-01', date_to: '2024-06-30', limit: 500 } });
    assert.equal(adHoc.status, 202, JSON.stringify(adHoc.body));
    const job = await waitForJobEnd(database.db, adHoc.body.data.job_id);
    assert.equal(job.status, 'completed', job.error_message);
    assert.equal(job.permits_saved, 0, 'the window was already pulled: nothing changes');
    assert.deepEqual([job.parameters.date_from, job.parameters.date_to], ['2024-01-01', '2024-06-30']);

    assert.equal((await call(`/api/background-jobs/jobs/${job.id}/cancel`, { method: 'POST' })).status, 409);
    assert.equal((await call(`/api/background-jobs/jobs/${job.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await call(`/api/background-jobs/jobs/${job.id}`)).status, 404);

    const triggered = await call(`/api/counties/${countyId}/schedule/trigger`, { method: 'POST' });
    assert.equal(triggered.status, 200);
    const scheduled = await (async () => {
      for (let attempt = 0; attempt < 300; attempt++) {
        const { rows } = await database.db.query(`SELECT * FROM permit_pull_jobs WHERE county_id = $1 AND workflow_id LIKE 'accela-incremental:%' AND status = 'completed'`, [countyId]);
        if (rows[0]) return rows[0];
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('the triggered incremental pull did not complete');
    })();
    assert.equal(scheduled.job_type, 'incremental_pull');

    const removed = await call(`/api/counties/${countyId}`, { method: 'DELETE' });
    assert.equal(removed.status, 200);
    assert.equal((await call(`/api/counties/${countyId}/schedule`)).status, 404);
  });
});
