import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createPool, runMigrations, withDatabaseName } from '../platform/database';
import { LARGE_DATASET, seedLargeDataset } from '../scripts/large-dataset';
import { BENCH_API_KEY, BENCH_LISTS, type BenchList } from './api-lists';
import { reportBenchmark } from './results-file';
import type { SummaryRow } from './summary-table';

/**
 * The API at size (issue 11): each list endpoint at 50 connections (autocannon) on the large dataset
 * (`npm run seed:large`'s), on its first page, at depth 400,000 by cursor and by offset (the deepest page
 * short of the end on a smaller table), beside a bare node:http + pg server running the same statements in
 * the same run. Targets: p99 ≤ 25 ms, throughput ≥ 0.7× the bare server's.
 *
 * BENCH_API_DATABASE_URL: an already seeded database (else one is created and seeded here, then dropped);
 * BENCH_API_SECONDS: seconds per measurement (default 5).
 */
const CONNECTIONS = 50;
const DEPTH = 400_000;
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 5);
const P99_TARGET_MS = 25;
const THROUGHPUT_TARGET = 0.7;

type Mode = 'first page' | 'cursor at depth' | 'offset at depth';

function startServer(mode: 'api' | 'bare', databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'api-server-process.ts'), mode, databaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${mode} server exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
  });
}

async function measure(url: string) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: { 'x-api-key': BENCH_API_KEY } });
  return {
    requests_per_second: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
    /** Requests given up after autocannon's 10 s timeout (deep offsets at 50 connections). */
    timeouts: result.timeouts,
  };
}

/**
 * A request autocannon gave up on leaves its statement running in PostgreSQL, or queued in the server's pool to run
 * later, where it would slow the next measurement: the servers' running statements are cancelled until none has
 * run for a second.
 */
async function settle(db: pg.Pool): Promise<void> {
  const running = `FROM pg_stat_activity WHERE application_name LIKE 'bench-api-%' AND state = 'active' AND pid <> pg_backend_pid()`;
  let quietSince = Date.now();
  for (const startedAt = Date.now(); Date.now() - quietSince < 1_000 && Date.now() - startedAt < 60_000;) {
    const cancelled = (await db.query(`SELECT pg_cancel_backend(pid) ${running}`)).rowCount ?? 0;
    if (cancelled > 0) quietSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The query string of each mode: none, the cursor of the row before `depth`, or the offset (page) of `depth`. */
async function modeQueries(db: pg.Pool, list: BenchList, depth: number): Promise<Record<Mode, string>> {
  const { rows } = await db.query<{ list_position: string[] }>(list.query().page({ limit: 1, offset: depth - 1 }));
  const cursor = list.cursor.encode(rows[0]!.list_position);
  const offset = list.offsetParameter === 'page' ? `page=${Math.floor(depth / list.limit) + 1}` : `offset=${depth}`;
  return {
    'first page': `limit=${list.limit}`,
    'cursor at depth': `limit=${list.limit}&cursor=${cursor}`,
    'offset at depth': `limit=${list.limit}&${offset}`,
  };
}

async function main() {
  let databaseUrl = process.env.BENCH_API_DATABASE_URL;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) throw new Error('run through `npm run bench api` (DATABASE_URL), or set BENCH_API_DATABASE_URL to a seeded database');
    const name = `bench_api_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databaseUrl = withDatabaseName(adminUrl, name);
    dropDatabase = async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    };
    await runMigrations(databaseUrl);
    const started = performance.now();
    await seedLargeDataset(databaseUrl, LARGE_DATASET);
    console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const db = createPool(databaseUrl);
  const servers = { api: await startServer('api', databaseUrl), bare: await startServer('bare', databaseUrl) };
  const loadBefore = os.loadavg();
  const figures: Record<string, unknown> = {};
  const summary: SummaryRow[] = [];
  try {
    for (const list of BENCH_LISTS) {
      const rows = (await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${list.table}`)).rows[0]!.n;
      const depth = Math.min(DEPTH, rows - list.limit - 1);
      const queries = await modeQueries(db, list, depth);
      const listFigures: Record<string, unknown> = { rows, depth };
      for (const [mode, query] of Object.entries(queries) as [Mode, string][]) {
        const api = await measure(`${servers.api.url}${list.path}?${query}`);
        await settle(db);
        const bare = await measure(`${servers.bare.url}${list.path}?${query}`);
        await settle(db);
        listFigures[mode] = { api, bare, throughput_over_bare: Number((api.requests_per_second / bare.requests_per_second).toFixed(3)) };
        console.log(`${list.path} ${mode} (${depth}): api ${api.requests_per_second} req/s p50 ${api.p50_ms} p99 ${api.p99_ms} ms | bare ${bare.requests_per_second} req/s p99 ${bare.p99_ms} ms | load ${os.loadavg()[0]!.toFixed(1)}`);
        // At 50 connections a deep offset page can take longer than the whole measurement: then none is answered in it.
        const timedOut = api.requests_per_second === 0 ? ` (no answer within the ${SECONDS} s measured)` : '';
        const label = `${list.path} ${mode === 'first page' ? 'first page' : `${mode.replace(' at depth', '')} at ${depth.toLocaleString('en-GB')}`}${timedOut}`;
        // Offset pages read every row before them: measured to show why cursors exist, held to no target.
        const held = mode !== 'offset at depth';
        summary.push(
          { figure: `${label}, p99`, value: api.p99_ms, unit: 'ms', ...(held ? { target: { op: '<=', value: P99_TARGET_MS } } : {}), reference: { name: 'bare node:http + pg', value: bare.p99_ms } },
          {
            figure: `${label}, throughput`, value: api.requests_per_second, unit: 'req/s',
            ...(held ? { target: { op: '>=', value: Math.round(THROUGHPUT_TARGET * bare.requests_per_second) } } : {}),
            reference: { name: 'bare node:http + pg', value: bare.requests_per_second },
          },
        );
      }
      figures[list.path] = listFigures;
    }
  } finally {
    for (const server of Object.values(servers)) {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit').catch(() => undefined);
    }
    await db.end();
    await dropDatabase?.();
  }
  reportBenchmark('api', {
    connections: CONNECTIONS, seconds_per_measurement: SECONDS, depth: DEPTH, load_average_before: loadBefore, load_average_after: os.loadavg(), lists: figures,
  }, summary);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
