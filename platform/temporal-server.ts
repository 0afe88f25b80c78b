import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ProcessSupervisor } from './child-processes';
import { logger } from './logger';
import { customSearchAttributes } from '../temporal/search-attributes';
import { findTemporalBinary } from './temporal-binary';

const { IndexedValueType } = temporal.api.enums.v1;

const indexedTypeByName: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** `--search-attribute Name=Type` flags; the CLI writes them into the namespace before it serves. */
function searchAttributeFlags(keys: readonly SearchAttributeKey<SearchAttributeType>[]): string[] {
  const cliType: Record<SearchAttributeType, string> = {
    TEXT: 'Text',
    KEYWORD: 'Keyword',
    INT: 'Int',
    DOUBLE: 'Double',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}

export interface RunningTemporal {
  address: string;
  namespace: string;
  /** Web UI URL when this process started the server with a UI. */
  uiUrl?: string;
}

export interface DevServerOptions {
  cliPath?: string;
  /** Folder for the SQLite state and pid file; without it the server keeps state in memory (tests). */
  dataDir?: string;
  port: number;
  /** Web UI port; without it the server runs headless. */
  uiPort?: number;
  namespace: string;
  supervisor: ProcessSupervisor;
}

/**
 * Starts `temporal server start-dev` with its state in a SQLite file under the data folder, so
 * workflows and schedules survive a restart. Falls back to the SDK's own download of the CLI when
 * no binary is installed (that needs internet access). The supervisor restarts it when it dies and
 * stops it at shutdown.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningTemporal> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const dbFile = options.dataDir ? path.join(options.dataDir, 'temporal.db') : undefined;
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined;
  const binary = findTemporalBinary(options.cliPath);
  if (!binary) {
    logger.warn('no Temporal CLI found (TEMPORAL_CLI_PATH, PATH, .tools/venv); asking the SDK to download one');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip: '127.0.0.1',
        port: options.port,
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        dbFilename: dbFile,
        namespace: options.namespace,
        searchAttributes: [...customSearchAttributes],
      },
    });
    options.supervisor.defer('temporal', () => env.teardown());
    return { address, namespace: options.namespace, uiUrl };
  }
  const pidFile = options.dataDir ? path.join(options.dataDir, 'server.pid') : undefined;
  if (pidFile) stopStaleServer(pidFile);
  logger.info({ binary: binary.path, source: binary.source }, 'starting Temporal dev server');
  const server = options.supervisor.spawn(
    'temporal',
    binary.path,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
      ...(dbFile ? ['--db-filename', dbFile] : []),
      '--namespace',
      options.namespace,
      '--log-level',
      'warn',
      ...searchAttributeFlags(customSearchAttributes),
    ],
    // A restarted server (the supervisor's) resumes from the same SQLite file.
    {
      onSpawn: (child) => {
        if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
      },
    },
  );
  await waitForTemporal(address, options.namespace, 60_000, () => server.status().state === 'given-up');
  return { address, namespace: options.namespace, uiUrl };
}

/** A dev server left running by a previous start that was killed outright is stopped first. */
function stopStaleServer(pidFile: string): void {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (commandLine.includes('start-dev')) {
      logger.warn({ pid }, 'stopping a Temporal dev server left over from an earlier run');
      process.kill(pid, 'SIGTERM');
    }
  } catch {
    // No pid file, or that process is gone: nothing to stop.
  }
}

async function waitForTemporal(address: string, namespace: string, timeoutMs: number, hasExited: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('Temporal dev server kept exiting during start-up; see its log (temporal.log)');
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Registers Prospector's custom search attributes on any server; existing ones are left alone. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = customSearchAttributes.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedTypeByName[key.type]])),
  });
  return missing.map((key) => key.name);
}
