import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadSettings } from '../config/settings';
import { ProcessSupervisor, restartPolicy } from './child-processes';
import { startEmbeddedPostgres } from './embedded-postgres';
import { freePort } from './free-port';
import { logger } from './logger';
import { ensureSearchAttributes, startTemporalDevServer } from './temporal-server';
import { WORKFLOWS_PATH } from './workflows-path';

export interface EphemeralInfrastructure {
  temporalAddress: string;
  /** Admin URL: tests create a database of their own from it. */
  databaseUrl: string;
  workflowBundlePath: string;
  /** The variables a test or benchmark process needs to reach all of the above. */
  childEnv(): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * What a test or benchmark run needs, once per run: a real Temporal dev server (TEMPORAL_ADDRESS,
 * else a fresh in-memory one), a real PostgreSQL (DATABASE_URL, else embedded in a temp folder) and
 * the workflow bundle, built once and shared by every worker of the run.
 */
export async function startEphemeralInfrastructure(env: NodeJS.ProcessEnv = process.env): Promise<EphemeralInfrastructure> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'prospector-run-'));
  // As root, embedded PostgreSQL runs as the postgres user, which must be able to reach its folder.
  await chmod(workDir, 0o755);
  const supervisor = new ProcessSupervisor(path.join(workDir, 'logs'), restartPolicy(loadSettings(env)));
  const stops: Array<() => Promise<void>> = [() => supervisor.stopAll(5_000)];
  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const database = await startEmbeddedPostgres(path.join(workDir, 'pg'), await freePort());
      stops.push(database.stop);
      databaseUrl = database.url;
      logger.info('tests use an embedded PostgreSQL (set DATABASE_URL to use another)');
    }

    let temporalAddress = env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const temporal = await startTemporalDevServer({
        cliPath: env.TEMPORAL_CLI_PATH,
        port: await freePort(),
        namespace: 'default',
        supervisor,
      });
      temporalAddress = temporal.address;
    } else {
      const connection = await Connection.connect({ address: temporalAddress });
      await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE ?? 'default');
      await connection.close();
    }

    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
    const workflowBundlePath = path.join(workDir, 'workflow-bundle.js');
    await writeFile(workflowBundlePath, bundle.code);

    return {
      temporalAddress,
      databaseUrl,
      workflowBundlePath,
      childEnv: () => ({
        ...env,
        TEMPORAL_ADDRESS: temporalAddress,
        DATABASE_URL: databaseUrl,
        WORKFLOW_BUNDLE_PATH: workflowBundlePath,
        LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
      }),
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => logger.warn(message),
  error: (message: string) => logger.error(message),
  log: () => undefined,
};
