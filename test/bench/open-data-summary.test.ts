import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDataSummaryRows, type PullMeasurement, pullFigures } from '../../bench/open-data-summary';

const measurement = (overrides: Partial<PullMeasurement>): PullMeasurement => ({
  label: 'socrata', permits: 20_000, wallSeconds: 40, requests: 150, requestsPerSecond: 5, yearEvents: [10, 14, 12],
  workerRssIdleMb: 190, workerRssPeakMb: 250.456, workerCpuSeconds: 12, simulatorCpuSeconds: 3, ...overrides,
});

describe('open-data benchmark figures', () => {
  it('derives rates, the pacing floor and the history spread from one pull', () => {
    const figures = pullFigures(measurement({}));
    assert.equal(figures.permits_per_second, 500);
    assert.equal(figures.requests_per_1000_permits, 7.5);
    assert.equal(figures.pacing_floor_seconds, 30, '150 requests at 5 a second');
    assert.deepEqual(figures.history_events_per_year, { min: 10, max: 14, mean: 12 });
    assert.equal(figures.worker_rss_peak_mb, 250.46);
    assert.equal(pullFigures(measurement({ label: 'accela', requestsPerSecond: null })).pacing_floor_seconds, null);
  });

  it('puts every open-data pull beside the Accela pull of the same run, and its wall time beside its pacing floor', () => {
    const accela = pullFigures(measurement({ label: 'accela', wallSeconds: 80, requests: 440, requestsPerSecond: null }));
    const rows = openDataSummaryRows(accela, [pullFigures(measurement({})), pullFigures(measurement({ label: 'socrata unpaced', wallSeconds: 20, requestsPerSecond: 1000 }))]);
    const row = (figure: string) => rows.find((candidate) => candidate.figure === figure);
    assert.deepEqual(row('accela (reference) end to end'), { figure: 'accela (reference) end to end', value: 250, unit: 'permits/s' });
    assert.deepEqual(row('socrata end to end')?.reference, { name: 'accela permits/s', value: 250 });
    assert.deepEqual(row('socrata requests per 1,000 permits')?.reference, { name: 'accela', value: 22 });
    assert.deepEqual(row('socrata wall time')?.reference, { name: 'pacing floor at 5/s', value: 30 });
    assert.deepEqual(row('socrata unpaced wall time')?.reference, { name: 'pacing floor at 1000/s', value: 0.15 });
    assert.equal(rows.filter((candidate) => candidate.figure.startsWith('accela')).length, 2, 'Accela has no pacing floor of its own');
    assert.deepEqual(row('socrata worker RSS peak')?.target, { op: '<=', value: 300 });
  });
});
