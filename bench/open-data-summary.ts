import { round } from './permit-pull-bench';
import type { SummaryRow } from './summary-table';

/** What one timed pull measured (see open-data.bench.ts). */
export interface PullMeasurement {
  /** `accela`, `socrata` or `arcgis`, with `unpaced` when the client's pacing was set out of reach. */
  label: string;
  permits: number;
  wallSeconds: number;
  requests: number;
  /** Request starts per second the client was held to (open-data platforms); null for Accela. */
  requestsPerSecond: number | null;
  yearEvents: readonly number[];
  workerRssIdleMb: number;
  workerRssPeakMb: number;
  workerCpuSeconds: number;
  simulatorCpuSeconds: number;
}

export interface PullFigures {
  label: string;
  permits: number;
  wall_seconds: number;
  permits_per_second: number;
  requests: number;
  requests_per_1000_permits: number;
  requests_per_second_limit: number | null;
  /** The least time the pacing allows for this many requests: requests ÷ the limit. */
  pacing_floor_seconds: number | null;
  history_events_per_year: { min: number; max: number; mean: number };
  worker_rss_idle_mb: number;
  worker_rss_peak_mb: number;
  worker_cpu_seconds: number;
  simulator_cpu_seconds: number;
}

export function pullFigures(run: PullMeasurement): PullFigures {
  const events = run.yearEvents;
  return {
    label: run.label,
    permits: run.permits,
    wall_seconds: round(run.wallSeconds),
    permits_per_second: round(run.permits / run.wallSeconds),
    requests: run.requests,
    requests_per_1000_permits: round((run.requests / run.permits) * 1000),
    requests_per_second_limit: run.requestsPerSecond,
    pacing_floor_seconds: run.requestsPerSecond === null ? null : round(run.requests / run.requestsPerSecond),
    history_events_per_year: { min: Math.min(...events), max: Math.max(...events), mean: round(events.reduce((a, b) => a + b, 0) / events.length) },
    worker_rss_idle_mb: round(run.workerRssIdleMb),
    worker_rss_peak_mb: round(run.workerRssPeakMb),
    worker_cpu_seconds: round(run.workerCpuSeconds),
    simulator_cpu_seconds: round(run.simulatorCpuSeconds),
  };
}

/**
 * The closing table's rows: each open-data pull's permits/s and requests per 1,000 permits beside the Accela pull of
 * the same run, its wall time beside the pacing floor (a ratio near 1 means the pacing bounds the pull), and the
 * history and memory figures against the Accela pull's targets (the same workflows run them).
 */
export function openDataSummaryRows(accela: PullFigures, openData: readonly PullFigures[]): SummaryRow[] {
  const accelaRows: SummaryRow[] = [
    { figure: 'accela (reference) end to end', value: accela.permits_per_second, unit: 'permits/s' },
    { figure: 'accela (reference) API requests per 1,000 permits', value: accela.requests_per_1000_permits, unit: '' },
  ];
  return [
    ...accelaRows,
    ...openData.flatMap((run): SummaryRow[] => [
      { figure: `${run.label} end to end`, value: run.permits_per_second, unit: 'permits/s', reference: { name: 'accela permits/s', value: accela.permits_per_second } },
      { figure: `${run.label} requests per 1,000 permits`, value: run.requests_per_1000_permits, unit: '', reference: { name: 'accela', value: accela.requests_per_1000_permits } },
      ...(run.pacing_floor_seconds === null
        ? []
        : [{ figure: `${run.label} wall time`, value: run.wall_seconds, unit: 's', reference: { name: `pacing floor at ${run.requests_per_second_limit}/s`, value: run.pacing_floor_seconds } }]),
      { figure: `${run.label} history events per year workflow (max)`, value: run.history_events_per_year.max, unit: 'events', target: { op: '<=', value: 50 } },
      { figure: `${run.label} worker RSS peak`, value: run.worker_rss_peak_mb, unit: 'MB', target: { op: '<=', value: 300 } },
    ]),
  ];
}
