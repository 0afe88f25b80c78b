import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referenceRatio, renderSummaryTable, targetMet, type SummaryRow } from '../../bench/summary-table';

const throughput: SummaryRow = {
  figure: 'permit ingest',
  value: 6000,
  unit: 'permits/s',
  target: { op: '>=', value: 5000 },
  reference: { name: 'PostgreSQL COPY', value: 48000 },
};
const latency: SummaryRow = { figure: 'p99 first page', value: 31, unit: 'ms', target: { op: '<=', value: 25 } };

describe('benchmark summary table', () => {
  it('judges a target in the direction it points', () => {
    assert.equal(targetMet(throughput), true);
    assert.equal(targetMet({ ...throughput, value: 4999 }), false);
    assert.equal(targetMet(latency), false);
    assert.equal(targetMet({ ...latency, value: 25 }), true);
    assert.equal(targetMet({ figure: 'x', value: 1, unit: '' }), null);
  });

  it('relates a figure to its same-run reference', () => {
    assert.equal(referenceRatio(throughput), 0.125);
    assert.equal(referenceRatio(latency), null);
    assert.equal(referenceRatio({ ...throughput, reference: { name: 'zero', value: 0 } }), null);
  });

  it('prints one aligned line per figure with target, reference, ratio and verdict', () => {
    const table = renderSummaryTable([
      { benchmark: 'permits', measuredAt: '2026-12-03T10:00:00Z', loadAverage: [1.5, 1.2, 1], rows: [throughput] },
      { benchmark: 'api', measuredAt: '2026-12-03T10:05:00Z', rows: [latency] },
    ]);
    const lines = table.split('\n');
    assert.match(lines[0]!, /^benchmark\s+figure\s+value\s+target\s+reference \(same run\)\s+ratio\s+met$/);
    assert.match(lines[2]!, /^permits\s+permit ingest\s+6,000 permits\/s\s+>= 5,000\s+PostgreSQL COPY: 48,000\s+0\.13×\s+yes$/);
    assert.match(lines[3]!, /^api\s+p99 first page\s+31 ms\s+<= 25\s+NO$/);
    // Columns line up: every figure starts where the header's "figure" does.
    const figureColumn = lines[0]!.indexOf('figure');
    assert.equal(lines[2]!.indexOf('permit ingest'), figureColumn);
    assert.equal(lines[3]!.indexOf('p99 first page'), figureColumn);
    assert.match(table, /load average \(1\/5\/15 min\) at the end of each: permits 1\.50\/1\.20\/1\.00$/);
  });
});
