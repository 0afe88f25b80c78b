/** The fields of a permit pull job (GET /api/background-jobs/jobs/{id}) that a progress view shows. */
export interface JobProgressFields {
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  progress_percent: number;
  permits_pulled: number;
  permits_saved: number;
  permits_per_second: number | null;
  estimated_completion_at: string | null;
  current_year: number | null;
  years_total: number;
  years_completed: number;
  error_message: string | null;
}

export const FINISHED_STATUSES: ReadonlySet<JobProgressFields['status']> = new Set(['completed', 'failed', 'cancelled']);

/** `1h 02m`, `4m 05s`, `12s`: a duration as a person reads it. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** The values of one progress-bar frame: percent, counts, rate, ETA and a state in words. */
export function progressFrame(job: JobProgressFields, now: Date) {
  const eta = job.estimated_completion_at ? (Date.parse(job.estimated_completion_at) - now.getTime()) / 1000 : null;
  const year = job.current_year === null ? '' : ` · year ${job.current_year} (${job.years_completed}/${job.years_total} done)`;
  const state = job.status === 'failed' && job.error_message ? `failed: ${job.error_message}` : job.status;
  return {
    percent: Math.min(100, Math.max(0, Math.round(job.progress_percent * 10) / 10)),
    pulled: job.permits_pulled.toLocaleString('en-US'),
    saved: job.permits_saved.toLocaleString('en-US'),
    rate: job.permits_per_second === null ? '–' : `${job.permits_per_second.toFixed(1)}/s`,
    remaining: FINISHED_STATUSES.has(job.status) ? 'done' : eta === null ? 'unknown' : formatDuration(eta),
    state: `${state}${year}`,
  };
}
