import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process; pipelines add their own counters to it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'prospector_' });

export const httpRequestsTotal = new Counter({
  name: 'prospector_http_requests_total',
  help: 'HTTP requests handled by the API, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'prospector_http_request_duration_seconds',
  help: 'HTTP request latency by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/*
 * Pipeline metrics, counted where the work happens (clients, activities, stores). Under `npm start`
 * most of them live in the worker process, which serves its registry on WORKER_METRICS_PORT; the API's
 * /metrics has its own. Labels stay bounded: a source name, an outcome, a pipeline. (Scraped pages and
 * CRM syncs by outcome are counted beside their activities: activities/listings/metrics.ts,
 * activities/crm/metrics.ts.)
 */

export const sourceRequestsTotal = new Counter({
  name: 'prospector_source_requests_total',
  help: 'Requests sent to an external source, by source and HTTP status (0: no answer)',
  labelNames: ['source', 'status'] as const,
  registers: [metricsRegistry],
});

export const sourceThrottledTotal = new Counter({
  name: 'prospector_source_throttled_total',
  help: 'Answers 429 (Too Many Requests) from an external source',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

export const sourceRateLimitWaitsTotal = new Counter({
  name: 'prospector_source_rate_limit_waits_total',
  help: 'Requests that waited for the source\'s rate-limit window before they could be sent',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

export const sourceRateLimitWaitSecondsTotal = new Counter({
  name: 'prospector_source_rate_limit_wait_seconds_total',
  help: 'Time spent waiting for the source\'s rate-limit window (pacing and after a 429)',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

/** Waits shorter than this are scheduling noise, not the rate limit holding a request back. */
const RATE_LIMIT_WAIT_THRESHOLD_SECONDS = 0.05;

/** Counts one rate-limit wait of `seconds` for `source` (a pacing wait or the wait after a 429). */
export function recordRateLimitWait(source: string, seconds: number): void {
  if (seconds < RATE_LIMIT_WAIT_THRESHOLD_SECONDS) return;
  sourceRateLimitWaitsTotal.inc({ source });
  sourceRateLimitWaitSecondsTotal.inc({ source }, seconds);
}

export const permitsFetchedTotal = new Counter({
  name: 'prospector_permits_fetched_total',
  help: 'Permit records read from Accela',
  registers: [metricsRegistry],
});

export const permitsSavedTotal = new Counter({
  name: 'prospector_permits_saved_total',
  help: 'Permit records saved (inserted or updated) to PostgreSQL',
  registers: [metricsRegistry],
});

export const scrapeChallengesTotal = new Counter({
  name: 'prospector_scrape_challenges_total',
  help: 'Bot challenges (interstitials, captchas) met while scraping AutoTrader',
  registers: [metricsRegistry],
});

export const jobDurationSeconds = new Histogram({
  name: 'prospector_job_duration_seconds',
  help: 'Duration of finished jobs (permit pulls, CRM sync runs, scrape runs), by pipeline and final status',
  labelNames: ['pipeline', 'status'] as const,
  buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
  registers: [metricsRegistry],
});
