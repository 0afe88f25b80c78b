import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '../../config/settings';
import { localDay } from '../../domain/permits/open-data-record';
import { createCounty } from '../../services/permits/counties';
import { cancelPermitJob, startPermitPull } from '../../services/permits/pull-jobs';
import { SIMULATED_ARCGIS_MAPPING, startArcGisSimulator } from '../../simulators/arcgis/server';
import { groundTruth, type SimulatedPermit } from '../../simulators/open-data-permits';
import { SIMULATED_SOCRATA_MAPPING, startSocrataSimulator } from '../../simulators/socrata/server';
import { CountyIdAttribute, PullKindAttribute, SourceAttribute } from '../../temporal/search-attributes';
import { incrementalScheduleId } from '../../workflows/permits/ids';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, type TestWorkers, uniqueQueues } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { countyState, jobRow, useDistinctCountyIds, waitForJobEnd } from './permit-test-support';

const YEARS = 30;
const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const firstYear = () => new Date().getUTCFullYear() - YEARS + 1;
/** Today in the test counties' zone: a pull judges future-dated permits there. */
const countyToday = () => localDay(Date.now(), 'America/New_York');

/** The permits a 30-year pull by applied date must end with, and what it must reject. */
function truthOf(permits: readonly SimulatedPermit[]) {
  const truth = groundTruth(permits, `${firstYear()}-01-01`, tomorrow(), countyToday());
  return { ...truth, permitNumbers: [...truth.permitNumbers].sort() };
}

/**
 * The Socrata and ArcGIS pulls on the real Temporal dev server and PostgreSQL against the simulators: the same
 * workflows as Accela's, dispatched by the county's platform in the page activity.
 */
describe('Socrata and ArcGIS permit pulls end to end (real Temporal, real PostgreSQL, simulators)', () => {
  let database: TestDatabase;
  let temporal: Awaited<ReturnType<typeof connectTestTemporal>>;
  let workers: TestWorkers;
  let socrata: Awaited<ReturnType<typeof startSocrataSimulator>>;
  let arcgis: Awaited<ReturnType<typeof startArcGisSimulator>>;
  let unpagedArcgis: Awaited<ReturnType<typeof startArcGisSimulator>>;
  let securedArcgis: Awaited<ReturnType<typeof startArcGisSimulator>>;
  let slowSocrata: Awaited<ReturnType<typeof startSocrataSimulator>>;
  let slowArcgis: Awaited<ReturnType<typeof startArcGisSimulator>>;
  const queues = uniqueQueues('open-data');
  const env = {
    CRM_AUTO_SYNC: 'false', OPEN_DATA_PAGE_LIMIT: '25', ACCELA_WINDOW_DAYS: '366', SOCRATA_REQUESTS_PER_SECOND: '5', ARCGIS_REQUESTS_PER_SECOND: '50',
    OPEN_DATA_BACKOFF_MS: '200',
  };
  const countyIds: number[] = [];
  const pullContext = () => ({ db: database.db, temporal: temporal.client, queues, settings: loadSettings({ ...process.env, ...env }) });
  const counties = () => ({ db: database.db, secrets: workers.secrets, settings: loadSettings({ ...process.env, ...env }) });

  before(async () => {
    // Socrata: 429s once requests without an app token pass 4 in a second (the pull paces 5 a second); now and then a 500.
    socrata = await startSocrataSimulator({ permits: 1500, malformedRows: 3, anonymousLimit: { requests: 4, windowMs: 1000 }, faults: { rates: { serverError: 0.03 }, seed: 7 } });
    // ArcGIS: pages capped at 20 by the layer (below the 25 asked for), now and then a 500 or a 429; a second layer without pagination.
    arcgis = await startArcGisSimulator({ permits: 2500, malformedRows: 2, maxRecordCount: 20, faults: { rates: { serverError: 0.03, rateLimited: 0.03 }, seed: 8 } });
    unpagedArcgis = await startArcGisSimulator({ permits: 900, seed: 5, supportsPagination: false, maxRecordCount: 100, token: 'layer-token' });
    securedArcgis = await startArcGisSimulator({ permits: 50, seed: 6, token: 'current-token' });
    slowSocrata = await startSocrataSimulator({ permits: 3000, seed: 9, latencyMs: 150 });
    slowArcgis = await startArcGisSimulator({ permits: 3000, seed: 10, latencyMs: 150 });
    database = await createTestDatabase('open_data');
    await useDistinctCountyIds(database.db);
    temporal = await connectTestTemporal();
    workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues, roles: ['workflows', 'http'], env });
  });
  after(async () => {
    for (const id of countyIds) await temporal?.client.schedule.getHandle(incrementalScheduleId(id)).delete().catch(() => undefined);
    await workers?.stop();
    await temporal?.teardown();
    await database?.drop();
    await Promise.all([socrata, arcgis, unpagedArcgis, securedArcgis, slowSocrata, slowArcgis].map((simulator) => simulator?.close()));
  });

  const socrataCounty = async (name: string, dataset = socrata) => {
    const county = await createCounty(counties(), {
      platform: 'socrata', name, domain: dataset.url, dataset_id: dataset.simulator.datasetId, field_mapping: SIMULATED_SOCRATA_MAPPING, source_token: null, time_zone: 'America/New_York',
    });
    countyIds.push(county.id);
    return county.id;
  };
  const arcgisCounty = async (name: string, layerUrl: string, token: string | null = null) => {
    const county = await createCounty(counties(), {
      platform: 'arcgis', name, layer_url: layerUrl, field_mapping: SIMULATED_ARCGIS_MAPPING, source_token: token, time_zone: 'America/New_York',
    });
    countyIds.push(county.id);
    return county.id;
  };

  /** A historical pull to its end: the job row must match the simulator exactly, rejects kept with their reasons. */
  async function pullAndCheck(countyId: number, permits: readonly SimulatedPermit[], source: 'socrata' | 'arcgis') {
    const { id: jobId, workflow_id: workflowId } = await startPermitPull(pullContext(), countyId, { jobType: 'initial_pull', years: YEARS });
    const job = await waitForJobEnd(database.db, jobId, 300_000);
    assert.equal(job.status, 'completed', job.error_message);
    const truth = truthOf(permits);
    const state = await countyState(database.db, countyId);
    assert.deepEqual(state.permitIds, truth.permitNumbers);
    assert.equal(job.permits_pulled, truth.permitNumbers.length);
    assert.equal(job.permits_saved, truth.permitNumbers.length);
    assert.equal(job.years_completed, YEARS);
    const rejects = await database.db.query(`SELECT reason FROM rejected_records WHERE source = $1 AND job_ref = $2`, [source, `permit-pull-job:${jobId}`]);
    assert.equal(rejects.rows.length, truth.rejected);
    assert.ok(rejects.rows.every((row) => /missing permit number|future date/.test(row.reason)), JSON.stringify(rejects.rows));
    const hvac = await database.db.query(`SELECT count(*)::int AS n FROM permits WHERE county_id = $1 AND is_hvac`, [countyId]);
    assert.equal(hvac.rows[0].n, truth.hvac, 'the hvac tag decides, whatever the platform');
    const leads = await database.db.query(`SELECT count(*)::int AS n FROM leads WHERE county_id = $1`, [countyId]);
    assert.ok(leads.rows[0].n > 0, 'HVAC permits make leads as Accela ones do');
    const attributes = (await temporal.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes;
    assert.deepEqual([attributes.get(SourceAttribute), attributes.get(PullKindAttribute), attributes.get(CountyIdAttribute)], [source, 'initial_pull', String(countyId)]);
    const schedule = await temporal.client.schedule.getHandle(incrementalScheduleId(countyId)).describe();
    assert.equal((schedule.action as { typedSearchAttributes?: { get(key: typeof SourceAttribute): unknown } }).typedSearchAttributes?.get(SourceAttribute), source);
    return { jobId, truth };
  }

  /** A second historical pull: every permit pulled again, nothing written. */
  async function pullAgainChangesNothing(countyId: number) {
    const before = await countyState(database.db, countyId);
    const { id } = await startPermitPull(pullContext(), countyId, { jobType: 'initial_pull', years: YEARS });
    const job = await waitForJobEnd(database.db, id, 300_000);
    assert.equal(job.status, 'completed', job.error_message);
    assert.deepEqual(await countyState(database.db, countyId), before);
    assert.deepEqual([job.permits_saved, job.properties_created, job.properties_updated, job.leads_created], [0, 0, 0, 0]);
    assert.equal(job.permits_pulled, before.permitIds.length);
  }

  /** An edit to an old permit reaches us through the incremental pull's last-updated pass, and only it is written. */
  async function incrementalPicksUpEdit(
    countyId: number,
    simulator: { permits: SimulatedPermit[]; updatePermit(index: number, status: string, at: Date): void },
    updatedSince: (permit: SimulatedPermit, day: string) => boolean,
  ) {
    const index = simulator.permits.findIndex((permit) => permit.malformed === null && permit.appliedDate < `${firstYear() + 2}-01-01`);
    simulator.updatePermit(index, 'Revoked', new Date());
    const { id, workflow_id: workflowId } = await startPermitPull(pullContext(), countyId, { jobType: 'incremental_pull' });
    const job = await waitForJobEnd(database.db, id, 120_000);
    assert.equal(job.status, 'completed', job.error_message);
    const edited = simulator.permits[index]!;
    const { rows } = await database.db.query(`SELECT status FROM permits WHERE county_id = $1 AND record_id = $2`, [countyId, edited.permitNumber]);
    assert.equal(rows[0]?.status, 'Revoked');
    assert.equal(job.permits_saved, 1, 'only the edited permit was written');
    const windowStart = new Date(Date.now() - 8 * 86_400_000).toISOString().slice(0, 10);
    const result = await temporal.client.workflow.getHandle(workflowId).result();
    assert.deepEqual([result.dateFrom, result.dateTo], [windowStart, today()]);
    assert.deepEqual([job.parameters.date_from, job.parameters.date_to], [windowStart, today()], 'the job row says which window was pulled');
    const inWindow = groundTruth(simulator.permits, windowStart, tomorrow(), countyToday()).permitNumbers.length;
    // Rows applied for after today are in the last-updated pass too, and rejected as future-dated there.
    const updatedInWindow = simulator.permits.filter((permit) => permit.malformed === null && permit.appliedDate <= countyToday() && updatedSince(permit, windowStart)).length;
    assert.equal(job.permits_pulled, inWindow + updatedInWindow, 'the window by applied date, then by last update');
  }

  it('Socrata: pulls 30 years through throttling and 500s, exact against the simulator', async () => {
    const countyId = await socrataCounty('Springfield (Socrata)');
    await pullAndCheck(countyId, socrata.simulator.permits, 'socrata');
    assert.ok(socrata.simulator.stats.throttled > 0, 'the anonymous pool was exceeded and its 429s waited out');
    assert.ok(socrata.simulator.faults.counts['server-error'] > 0, 'server errors were retried');
    await pullAgainChangesNothing(countyId);
    // `:updated_at` is an instant; SoQL compares it with a floating literal as UTC.
    await incrementalPicksUpEdit(countyId, socrata.simulator, (permit, day) => permit.updatedAt >= `${day}T00:00:00`);
  });

  it('ArcGIS: pages under maxRecordCount by exceededTransferLimit, exact against the simulator', async () => {
    const countyId = await arcgisCounty('Springfield (ArcGIS)', arcgis.layerUrl);
    await pullAndCheck(countyId, arcgis.simulator.permits, 'arcgis');
    assert.ok(arcgis.simulator.faults.counts['server-error'] > 0, 'server errors were retried');
    assert.ok(arcgis.simulator.faults.counts['rate-limited'] > 0, '429s were waited out');
    await pullAgainChangesNothing(countyId);
    // `EditDate` is an instant; the window is the county's local days.
    await incrementalPicksUpEdit(countyId, arcgis.simulator, (permit, day) => localDay(Date.parse(permit.updatedAt), 'America/New_York') >= day);
  });

  it('ArcGIS without pagination: ids first, then objectIds pages, with the layer token', async () => {
    const countyId = await arcgisCounty('Shelbyville (old ArcGIS)', unpagedArcgis.layerUrl, 'layer-token');
    await pullAndCheck(countyId, unpagedArcgis.simulator.permits, 'arcgis');
  });

  it('ArcGIS: a refused token fails the job at once with the layer’s words, not an empty pull', async () => {
    const countyId = await arcgisCounty('Capital City (expired token)', securedArcgis.layerUrl, 'expired-token');
    const { id } = await startPermitPull(pullContext(), countyId, { jobType: 'initial_pull', years: 2 });
    const job = await waitForJobEnd(database.db, id, 60_000);
    assert.equal(job.status, 'failed');
    assert.match(job.error_message, /498.*Invalid token/);
    const saved = await database.db.query(`SELECT count(*)::int AS n FROM permits WHERE county_id = $1`, [countyId]);
    assert.equal(saved.rows[0].n, 0);
  });

  /** Cancels a pull after a few pages: it ends cancelled, early, with counts that match what was saved. */
  async function cancelMidPull(countyId: number, permits: readonly SimulatedPermit[]) {
    const { id: jobId } = await startPermitPull(pullContext(), countyId, { jobType: 'initial_pull', years: YEARS });
    await waitFor('a few pages', async () => (await jobRow(database.db, jobId)).current_batch >= 2, { timeoutMs: 120_000 });
    await cancelPermitJob({ db: database.db, temporal: temporal.client }, jobId);
    const job = await waitForJobEnd(database.db, jobId, 120_000);
    assert.equal(job.status, 'cancelled');
    const state = await countyState(database.db, countyId);
    assert.ok(state.permitIds.length > 0 && state.permitIds.length < truthOf(permits).permitNumbers.length, `stopped early (${state.permitIds.length})`);
    assert.equal(job.permits_saved, state.permitIds.length, 'every page counted was saved, and only those');
  }

  it('Socrata: cancels mid-pull with counts that match what was saved', async () => {
    await cancelMidPull(await socrataCounty('Ogdenville (Socrata, cancelled)', slowSocrata), slowSocrata.simulator.permits);
  });

  it('ArcGIS: cancels mid-pull with counts that match what was saved', async () => {
    await cancelMidPull(await arcgisCounty('North Haverbrook (ArcGIS, cancelled)', slowArcgis.layerUrl), slowArcgis.simulator.permits);
  });
});
