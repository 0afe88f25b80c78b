import { Gauge } from 'prom-client';
import type { Database } from '../../platform/database';

/** A gauge whose value (one per label set) is read from PostgreSQL on every scrape of /metrics. */
function databaseGauge(db: Database, name: string, help: string, sql: string, labelNames: string[] = []): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [],
    async collect() {
      const { rows } = await db.query(sql).catch(() => ({ rows: [] as any[] }));
      this.reset();
      for (const row of rows) {
        const { value, ...labels } = row;
        this.set(labels, Number(value));
      }
    },
  });
}

/**
 * Scraping figures for /metrics, read from the given database so they cover every worker process.
 * Not registered anywhere: the API registers them in its own registry at start-up.
 */
export function listingGauges(db: Database): Gauge[] {
  return [
    databaseGauge(db, 'prospector_autotrader_scrapes_running', 'Model scrapes running now', `SELECT count(*) AS value FROM scrape_runs WHERE status = 'running'`),
    databaseGauge(
      db,
      'prospector_autotrader_scrape_runs_24h',
      'Model scrapes finished in the last 24 hours, by status',
      `SELECT status, count(*) AS value FROM scrape_runs WHERE finished_at > now() - interval '24 hours' GROUP BY status`,
      ['status'],
    ),
    databaseGauge(
      db,
      'prospector_autotrader_pages_scraped_24h',
      'Result pages read by scrapes started in the last 24 hours',
      `SELECT coalesce(sum(pages), 0) AS value FROM scrape_runs WHERE started_at > now() - interval '24 hours'`,
    ),
    databaseGauge(db, 'prospector_autotrader_listings', 'Listings stored', `SELECT count(*) AS value FROM listings`),
    databaseGauge(db, 'prospector_autotrader_deals', 'Rated deals, by rating', `SELECT rating, count(*) AS value FROM deals GROUP BY rating`, ['rating']),
    databaseGauge(
      db,
      'prospector_autotrader_alerts_24h',
      'Deal alerts raised in the last 24 hours',
      `SELECT count(*) AS value FROM deal_alerts WHERE created_at > now() - interval '24 hours'`,
    ),
  ];
}
