import { Counter } from 'prom-client';
import { metricsRegistry } from '../../platform/metrics';

/** Scraping counters of this worker process (the API adds database-backed gauges, see api/routes/scrape.ts). */
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

export const autotraderScrapeFailures = new Counter({
  name: 'prospector_autotrader_scrape_failures_total',
  help: 'Model scrape attempts that failed, by failure type',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});
