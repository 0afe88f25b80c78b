import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Database } from '../../platform/database';
import type { SecretBox } from '../../platform/encryption';
import type { TaskQueues } from '../../platform/task-queues';
import { type AccelaSimulator, type AccelaSimulatorOptions, startAccelaSimulator } from '../../simulators/accela/server';
import { incrementalScheduleId } from '../../workflows/permits/ids';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, startTestWorkers, type TestWorkers } from '../support/temporal';
import { waitFor } from '../support/wait-for';

/** Inserts a county pointed at the simulator's credentials, secrets sealed with the workers' key. */
export async function insertCounty(db: Database, secrets: SecretBox, simulator: Pick<AccelaSimulator, 'credentials'>, agencyName: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO counties (name, agency_name, environment, app_id, app_secret_encrypted, username, password_encrypted)
     VALUES ($1, $2, 'TEST', $3, $4, $5, $6) RETURNING id`,
    [`${agencyName} County`, agencyName, simulator.credentials.appId, secrets.encrypt(simulator.credentials.appSecret),
      simulator.credentials.username, secrets.encrypt(simulator.credentials.password)],
  );
  return rows[0]!.id;
}

export async function jobRow(db: Database, jobId: number) {
  const { rows } = await db.query(`SELECT * FROM permit_pull_jobs WHERE id = $1`, [jobId]);
  return rows[0] as Record<string, any>;
}

export async function waitForJobEnd(db: Database, jobId: number, timeoutMs = 180_000) {
  return waitFor(`job ${jobId} to end`, async () => {
    const job = await jobRow(db, jobId);
    return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : null;
  }, { timeoutMs, intervalMs: 200 });
}

export async function countyState(db: Database, countyId: number) {
  const permits = await db.query<{ record_id: string }>(`SELECT record_id FROM permits WHERE county_id = $1 ORDER BY record_id`, [countyId]);
  const properties = await db.query<{ normalized_address: string }>(`SELECT normalized_address FROM properties WHERE county_id = $1 ORDER BY normalized_address`, [countyId]);
  const leads = await db.query<{ normalized_address: string }>(
    `SELECT pr.normalized_address FROM leads l JOIN properties pr ON pr.id = l.property_id WHERE l.county_id = $1 ORDER BY 1`, [countyId]);
  const stamp = await db.query<{ permits: string | null; properties: string | null; leads: string | null }>(
    `SELECT (SELECT max(updated_at)::text FROM permits WHERE county_id = $1) AS permits,
            (SELECT max(updated_at)::text FROM properties WHERE county_id = $1) AS properties,
            (SELECT max(updated_at)::text FROM leads WHERE county_id = $1) AS leads`, [countyId]);
  return {
    permitIds: permits.rows.map((r) => r.record_id),
    propertyKeys: properties.rows.map((r) => r.normalized_address),
    leadKeys: leads.rows.map((r) => r.normalized_address),
    lastUpdates: stamp.rows[0],
  };
}

/**
 * Test files share one Temporal server while each has its own database, so county ids (which name the
 * workflows and schedules) must not repeat across files: each database starts its ids somewhere random.
 */
export async function useDistinctCountyIds(db: Database): Promise<void> {
  await db.query(`ALTER SEQUENCE counties_id_seq RESTART WITH ${1 + Math.floor(Math.random() * 1_000_000_000)}`);
}

export interface PermitPullStack {
  sim: Awaited<ReturnType<typeof startAccelaSimulator>>;
  database: TestDatabase;
  temporal: TestWorkflowEnvironment;
  workers: TestWorkers;
  /** The workers' settings beyond the process's: the simulator's URLs and the test's own. */
  env: Record<string, string>;
  /** Deletes the incremental schedules of these counties (a pull creates one), then stops and drops everything. */
  stop(countyIds: readonly number[]): Promise<void>;
}

/**
 * What a permit pull test runs on: the Accela simulator, a database of the file's own (county ids distinct across
 * files), the run's Temporal server and workflow + HTTP workers on `queues`, set with `env` and the simulator's URLs.
 */
export async function startPermitPullStack(options: {
  label: string;
  queues: TaskQueues;
  simulator: AccelaSimulatorOptions;
  env: Record<string, string>;
}): Promise<PermitPullStack> {
  const sim = await startAccelaSimulator(options.simulator);
  const env = { ...options.env, ACCELA_API_URL: sim.url, ACCELA_AUTH_URL: sim.url };
  const database = await createTestDatabase(options.label);
  await useDistinctCountyIds(database.db);
  const temporal = await connectTestTemporal();
  const workers = await startTestWorkers({ connection: temporal.nativeConnection, db: database.db, queues: options.queues, roles: ['workflows', 'http'], env });
  return {
    sim, database, temporal, workers, env,
    async stop(countyIds) {
      for (const id of countyIds) await temporal.client.schedule.getHandle(incrementalScheduleId(id)).delete().catch(() => undefined);
      await workers.stop();
      await temporal.teardown();
      await database.drop();
      await sim.close();
    },
  };
}
