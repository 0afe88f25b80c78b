import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SourceCheck } from '../../domain/operations/source-health';
import { SecretBox } from '../../platform/encryption';
import { countySources, SourceHealthMonitor } from '../../services/platform/source-health';
import { startArcGisSimulator } from '../../simulators/arcgis/server';
import { startSocrataSimulator } from '../../simulators/socrata/server';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_ENCRYPTION_KEY } from '../support/encryption-key';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

const SOCRATA_MAPPING = { permit_number: 'permitnum', description: 'description', issued_date: 'issueddate', pull_date: 'issueddate', last_updated: ':updated_at' };
const ARCGIS_MAPPING = { permit_number: 'PermitNumber', description: 'ScopeofWork', issued_date: 'IssuedDate', pull_date: 'IssuedDate', last_updated: 'EditDate' };
const DAY = 24 * 60 * 60 * 1000;

/** Connection tests of Socrata and ArcGIS counties against the simulators' live metadata, and the counties' data freshness. */
describe('open-data connection tests and data freshness', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;
  let socrata: Awaited<ReturnType<typeof startSocrataSimulator>>;
  let arcgis: Awaited<ReturnType<typeof startArcGisSimulator>>;
  let api: ReturnType<typeof createTestApi>;
  const post = (path: string, body?: unknown) =>
    api.json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  before(async () => {
    socrata = await startSocrataSimulator({ permits: 120, datasetId: 'perm-1tsx' });
    arcgis = await startArcGisSimulator({ permits: 80, token: 'right-token' });
    database = await createTestDatabase('open_data_connection');
    temporal = await connectTestTemporal();
    // Unpaced: the simulators are local, and pacing is the clients' own tests' concern.
    api = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('open-data'), env: { SOCRATA_REQUESTS_PER_SECOND: '1000', ARCGIS_REQUESTS_PER_SECOND: '1000' } });
  });
  after(async () => {
    await temporal?.teardown();
    await database?.drop();
    await socrata?.close();
    await arcgis?.close();
  });

  const socrataSource = (mapping: Record<string, string> = SOCRATA_MAPPING) => ({ platform: 'socrata', domain: socrata.url, dataset_id: 'perm-1tsx', field_mapping: mapping });
  const arcgisSource = (token: string | null) => ({ platform: 'arcgis', layer_url: arcgis.layerUrl, field_mapping: ARCGIS_MAPPING, source_token: token });

  it('tests a Socrata dataset and its mapping before saving: rows counted, the source time returned, a missing column named', async () => {
    const good = await post('/api/counties/test-credentials', socrataSource());
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.deepEqual(
      { ...good.body.data, source_modified_at: typeof good.body.data.source_modified_at },
      { success: true, records_seen: 120, error_code: null, error_message: null, missing_columns: [], source_modified_at: 'string' },
    );
    assert.ok(Math.abs(Date.parse(good.body.data.source_modified_at) - Date.now()) < 60_000, 'the simulator published its rows just now');

    const moved = await post('/api/counties/test-credentials', socrataSource({ ...SOCRATA_MAPPING, contractor: 'contractor_name' }));
    assert.deepEqual([moved.body.data.success, moved.body.data.error_code, moved.body.data.missing_columns], [false, 'missing_columns', ['contractor_name']]);
    assert.match(moved.body.data.error_message, /contractor_name \(contractor\)/);
    assert.equal(moved.body.data.records_seen, 120, 'the connection itself works');

    const unknown = await post('/api/counties/test-credentials', { ...socrataSource(), dataset_id: 'zzzz-9999' });
    assert.deepEqual([unknown.status, unknown.body.data.success, unknown.body.data.error_code], [200, false, 'not_found']);
  });

  it('tests an ArcGIS layer: a wrong token is success false with code 498, none 499, the right one counts the features', async () => {
    const wrong = await post('/api/counties/test-credentials', arcgisSource('wrong-token'));
    assert.equal(wrong.status, 200, JSON.stringify(wrong.body));
    assert.deepEqual([wrong.body.data.success, wrong.body.data.error_code, wrong.body.data.records_seen], [false, '498', null]);
    assert.match(wrong.body.data.error_message, /Invalid token/);
    assert.equal((await post('/api/counties/test-credentials', arcgisSource(null))).body.data.error_code, '499');
    const right = await post('/api/counties/test-credentials', arcgisSource('right-token'));
    assert.deepEqual([right.body.data.success, right.body.data.records_seen, right.body.data.missing_columns], [true, 80, []]);
    assert.ok(!Number.isNaN(Date.parse(right.body.data.source_modified_at)), 'editingInfo.lastEditDate');
  });

  it('refuses a test-credentials body that fits no platform, naming the field', async () => {
    const refused = await post('/api/counties/test-credentials', { platform: 'socrata', domain: socrata.url, field_mapping: SOCRATA_MAPPING });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /dataset_id/);
  });

  it('tests a saved county against the live metadata and records the source time on it', async () => {
    const created = await post('/api/counties', { ...socrataSource({ ...SOCRATA_MAPPING, owner: 'ownername' }), name: 'Simulated Socrata', time_zone: 'America/New_York' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.data.data_status, created.body.data.source_modified_at, created.body.data.last_successful_pull_at], ['never_pulled', null, null]);
    const test = await post(`/api/counties/${created.body.data.id}/test`);
    assert.deepEqual([test.status, test.body.data.success, test.body.data.missing_columns, test.body.data.records_seen], [200, false, ['ownername'], 120]);
    const county = await api.json(`/api/counties/${created.body.data.id}`);
    assert.equal(county.body.data.source_modified_at, test.body.data.source_modified_at);

    const layer = await post('/api/counties', { ...arcgisSource('wrong-token'), name: 'Simulated ArcGIS' });
    const layerTest = await post(`/api/counties/${layer.body.data.id}/test`);
    assert.deepEqual([layerTest.status, layerTest.body.data.success, layerTest.body.data.error_code], [200, false, '498']);
  });

  it('shows each county’s data_status in GET /api/counties and summarises it in /api/health', async () => {
    const county = async (name: string, dataset: string) => {
      const created = await post('/api/counties', { ...socrataSource(), dataset_id: dataset, name });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.data.id as number;
    };
    const job = async (countyId: number, status: 'completed' | 'failed', finishedDaysAgo: number) => {
      await database.db.query(
        `INSERT INTO permit_pull_jobs (county_id, job_type, status, started_at, finished_at)
         VALUES ($1, 'incremental_pull', $2, now() - make_interval(secs => $3 + 600), now() - make_interval(secs => $3))`,
        [countyId, status, (finishedDaysAgo * DAY) / 1000],
      );
    };
    const current = await county('Current', 'curr-0001');
    await job(current, 'failed', 5);
    await job(current, 'completed', 2);
    const stale = await county('Stale', 'stal-0001');
    await job(stale, 'completed', 10);
    const failing = await county('Failing', 'fail-0001');
    await job(failing, 'completed', 3);
    await job(failing, 'failed', 1);
    const changed = await county('Changed', 'chan-0001');
    await job(changed, 'completed', 3);
    await database.db.query(`UPDATE counties SET source_modified_at = now() - interval '2 days' WHERE id = $1`, [changed]);

    const listed = await api.json('/api/counties');
    const byId = new Map<number, any>(listed.body.data.map((row: any) => [row.id, row]));
    assert.deepEqual(
      [current, stale, failing, changed].map((id) => byId.get(id).data_status),
      ['current', 'stale', 'failing', 'stale'],
    );
    assert.match(byId.get(stale).data_status_reason, /no successful pull for 10 days \(expected every 7 days\)/);
    assert.match(byId.get(changed).data_status_reason, /the source changed/);
    assert.ok(Math.abs(Date.parse(byId.get(current).last_successful_pull_at) - (Date.now() - 2 * DAY)) < 60_000);
    assert.equal(byId.get(current).data_status_reason, null);

    const health = await api.json('/api/health');
    const freshness = health.body.data.components.data_freshness;
    assert.equal(freshness.status, 'degraded', JSON.stringify(freshness));
    assert.equal(freshness.priority, 'medium');
    assert.match(freshness.message, new RegExp(`county ${failing} \\(Failing\\) failing: the last pull failed`));
    assert.match(freshness.message, new RegExp(`county ${stale} \\(Stale\\) stale`));
    assert.doesNotMatch(freshness.message, /\(Current\)/);
    assert.equal(freshness.details.current, 1);
  });

  it('probes open-data counties in the background by platform, names missing columns and records the source time', async () => {
    await database.db.query(`UPDATE counties SET source_modified_at = NULL`);
    const monitor = new SourceHealthMonitor({ settings: api.settings, db: database.db, secrets: SecretBox.fromBase64(TEST_ENCRYPTION_KEY) }, { intervalMs: 60_000, timeoutMs: 10_000, providers: [countySources] });
    try {
      await monitor.checkNow();
      const checks = (monitor.component().details as { checks: SourceCheck[] }).checks;
      const of = (name: string) => checks.find((check) => check.target.endsWith(`(${name})`))!;
      assert.deepEqual(new Set(checks.map((check) => check.source)), new Set(['socrata', 'arcgis']));
      assert.deepEqual([of('Simulated ArcGIS').reachable, of('Simulated ArcGIS').authenticated], [true, false]);
      assert.deepEqual(of('Simulated Socrata').missing_columns, ['ownername']);
      // The other Socrata counties name datasets the simulator does not serve (404): unreadable.
      assert.equal(of('Stale').reachable, false);
      assert.match(monitor.component().message, /socrata county \d+ \(Simulated Socrata\): mapped columns missing \(ownername\)/);
      const { rows } = await database.db.query(`SELECT name FROM counties WHERE source_modified_at IS NOT NULL`);
      assert.deepEqual(rows.map((row) => row.name), ['Simulated Socrata']);
    } finally {
      await monitor.stop();
    }
  });
});
