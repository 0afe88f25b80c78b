/**
 * One row of `npm run bench`'s closing table: a figure, the target it is held to, and the reference
 * measured in the same run (the bound, the bare server, the other library), so each figure reads as a
 * ratio rather than an absolute that depends on how busy the machine was.
 */
export interface SummaryRow {
  figure: string;
  value: number;
  unit: string;
  /** `>=` when more is better (throughput), `<=` when less is (latency, memory, wall time). */
  target?: { op: '>=' | '<='; value: number };
  reference?: { name: string; value: number };
}

export interface BenchmarkSummary {
  benchmark: string;
  measuredAt: string;
  loadAverage?: readonly number[];
  rows: readonly SummaryRow[];
}

export function targetMet(row: SummaryRow): boolean | null {
  if (!row.target) return null;
  return row.target.op === '>=' ? row.value >= row.target.value : row.value <= row.target.value;
}

/** value / reference; null without a reference or with a zero one. */
export function referenceRatio(row: SummaryRow): number | null {
  if (!row.reference || row.reference.value === 0) return null;
  return row.value / row.reference.value;
}

function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString('en-GB', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** The closing table as plain text, one line per figure, columns aligned. */
export function renderSummaryTable(summaries: readonly BenchmarkSummary[]): string {
  const header = ['benchmark', 'figure', 'value', 'target', 'reference (same run)', 'ratio', 'met'];
  const lines = summaries.flatMap((summary) =>
    summary.rows.map((row) => {
      const met = targetMet(row);
      const ratio = referenceRatio(row);
      return [
        summary.benchmark,
        row.figure,
        `${formatNumber(row.value)} ${row.unit}`.trim(),
        row.target ? `${row.target.op} ${formatNumber(row.target.value)}` : '',
        row.reference ? `${row.reference.name}: ${formatNumber(row.reference.value)}` : '',
        ratio === null ? '' : `${ratio.toFixed(2)}×`,
        met === null ? '' : met ? 'yes' : 'NO',
      ];
    }),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const loads = summaries
    .filter((summary) => summary.loadAverage)
    .map((summary) => `${summary.benchmark} ${summary.loadAverage!.map((load) => load.toFixed(2)).join('/')}`);
  return [
    render(header),
    render(widths.map((width) => '-'.repeat(width))),
    ...lines.map(render),
    ...(loads.length > 0 ? ['', `load average (1/5/15 min) at the end of each: ${loads.join(', ')}`] : []),
  ].join('\n');
}
