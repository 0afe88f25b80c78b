import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
// The activities (and the modules their counters live in) as a worker process loads them: under
// `npm start` they are served on WORKER_METRICS_PORT, here they share this process's registry.
import '../../activities';
import { createTestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { connectTestTemporal, uniqueQueues } from '../support/temporal';

interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, '../../deploy/grafana/dashboards/prospector.json'), 'utf8')) as Dashboard;

/** The metric families a PromQL expression reads (a histogram's _bucket/_count/_sum series are its family). */
function metricFamilies(expr: string): string[] {
  return [...expr.matchAll(/\bprospector_[a-z0-9_]+/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, ''));
}

describe('Grafana dashboard', () => {
  let database: TestDatabase;
  let temporal: TestWorkflowEnvironment;

  before(async () => {
    database = await createTestDatabase('dashboard');
    temporal = await connectTestTemporal();
  });
  after(async () => {
    await temporal?.teardown();
    await database?.drop();
  });

  it('queries only metrics that /metrics exposes, after some traffic', async () => {
    const api = createTestApi({ db: database.db, client: temporal.client, queues: uniqueQueues('dashboard') });
    for (const route of ['/api/health', '/api/counties', '/api/deals', '/api/no-such-route']) await api.call(route);
    const response = await api.app.request('/metrics');
    assert.equal(response.status, 200);
    const exposition = await response.text();
    const exposed = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name!));

    const queried = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricFamilies(target.expr).map((name) => ({ name, panel: panel.title }))));
    assert.ok(queried.length >= 10, 'the dashboard queries the pipelines\' metrics');
    const missing = queried.filter(({ name }) => !exposed.has(name));
    assert.deepEqual(missing, []);
    assert.match(exposition, /^prospector_http_requests_total\{[^}]*route="\/api\/counties"[^}]*\} \d+/m, 'the traffic shows');
    assert.match(exposition, /^prospector_workflow_failures\{status="failed"\} \d+/m, 'workflow failures are read from Temporal');
  });
});
