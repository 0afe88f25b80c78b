import { Counter } from 'prom-client';
import { metricsRegistry } from '../../platform/metrics';

/**
 * Scraping counters of this worker process. The API adds gauges read from the database
 * (services/listings/metrics.ts); failed attempts are counted by the workers' activity interceptor.
 */
export const autotraderPagesScraped = new Counter({
  name: 'prospector_autotrader_pages_scraped_total',
  help: 'AutoTrader result pages loaded and parsed',
  registers: [metricsRegistry],
});

export const autotraderListingsScraped = new Counter({
  name: 'prospector_autotrader_listings_scraped_total',
  help: 'Organic AutoTrader listings stored, by whether they were new or already known',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});
