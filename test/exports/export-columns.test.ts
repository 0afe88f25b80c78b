import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCells, exportFormatFor, jsonRecord, spreadsheetSafe, type ExportColumn } from '../../domain/exports/export-columns';

const COLUMNS: ExportColumn[] = [
  { name: 'owner_name', kind: 'text' },
  { name: 'profit_margin', kind: 'value' },
  { name: 'created_at', kind: 'value' },
  { name: 'notes', kind: 'text' },
];

describe('export cells', () => {
  it('neutralises text starting with = + - @ tab or carriage return, and nothing else', () => {
    for (const dangerous of ['=HYPERLINK("http://x","y")', '+1 555 0100', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      assert.equal(spreadsheetSafe(dangerous), `'${dangerous}`);
    }
    for (const harmless of ['Jane Doe', '12 Main St', "'already quoted", 'a=b', '', ' =1 (leading space)']) {
      assert.equal(spreadsheetSafe(harmless), harmless);
    }
  });

  it('writes nulls empty, dates in ISO 8601, numbers as they are (a negative margin is not neutralised), text made safe', () => {
    const row = { owner_name: '=cmd|calc', profit_margin: -0.05, created_at: new Date('2026-01-02T03:04:05Z'), notes: null, other: 'not exported' };
    assert.deepEqual(csvCells(row, COLUMNS), ["'=cmd|calc", '-0.05', '2026-01-02T03:04:05.000Z', '']);
    assert.deepEqual(jsonRecord(row, COLUMNS), { owner_name: '=cmd|calc', profit_margin: -0.05, created_at: '2026-01-02T03:04:05.000Z', notes: null });
  });

  it('chooses JSON lines only when Accept asks for them', () => {
    assert.equal(exportFormatFor('application/x-ndjson'), 'ndjson');
    assert.equal(exportFormatFor('text/csv, application/x-ndjson;q=0.5'), 'ndjson');
    assert.equal(exportFormatFor('text/csv'), 'csv');
    assert.equal(exportFormatFor('*/*'), 'csv');
    assert.equal(exportFormatFor(undefined), 'csv');
  });
});
