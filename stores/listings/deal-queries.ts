import type { Readable } from 'node:stream';
import { cursorKey, listCursor } from '../../domain/list-cursor';
import type { MarketTrend } from '../../domain/listings/market-summary';
import type { Database } from '../../platform/database';
import { ListQuery, type ListRequest, readList } from '../../platform/list-query';
import { streamRows } from '../../platform/query-stream';

/** Reads of rated deals, alerts and the listing tables, for the API (the deal activity writes them). */

const DEAL_COLUMNS = `d.advert_id, d.make, d.model, l.title, l.subtitle, l.year, l.mileage, d.price, d.estimated_value,
  d.conservative_value, d.confidence_level, d.profit_margin, d.rating, d.sample_size, d.confidence, d.low_confidence, l.seller_type,
  l.location, l.distance_miles, l.url, d.analysed_at`;
const iso = (value: Date | null) => value?.toISOString() ?? null;

export interface DealFilter {
  make?: string;
  model?: string;
  rating?: string;
  minMargin?: number;
}

export const dealListCursor = listCursor('deals', [cursorKey.decimal, cursorKey.text]);

/** The statements `listDeals` runs (exported so a test can check their plans). */
export function dealListQuery(filter: DealFilter) {
  return new ListQuery(DEAL_COLUMNS, 'deals d JOIN listings l USING (advert_id)', ['d.profit_margin', 'd.advert_id'])
    .filter(filter.make, (make) => `lower(d.make) = lower(${make})`)
    .filter(filter.model, (model) => `lower(d.model) = lower(${model})`)
    .filter(filter.rating, (rating) => `d.rating = ${rating}`)
    .filter(filter.minMargin, (margin) => `d.profit_margin >= ${margin}`);
}

/** A page of deals, best margin first (ties by advert id, descending), with the total matching the filter. */
export async function listDeals(db: Database, filter: DealFilter, request: ListRequest) {
  const page = await readList<any>(db, dealListQuery(filter), dealListCursor, request);
  return { ...page, rows: page.rows.map((row) => ({ ...row, analysed_at: row.analysed_at.toISOString() })) };
}

/** Every deal matching the filter, in the list's order, through a cursor (see `GET /api/deals/export`). */
export function exportDealRows(db: Database, filter: DealFilter): Promise<Readable> {
  return streamRows(db, dealListQuery(filter).everyRow());
}

/** One deal with its listing, price history, comparison sample and the model's market summary; null if none. */
export async function dealDetail(db: Database, advertId: string) {
  const { rows } = await db.query(
    `SELECT ${DEAL_COLUMNS}, l.plate, l.dealer_name, l.price_indicator, l.first_seen, l.last_seen, d.sample_summary
       FROM deals d JOIN listings l USING (advert_id) WHERE d.advert_id = $1`,
    [advertId],
  );
  const deal = rows[0];
  if (!deal) return null;
  const [history, market] = await Promise.all([
    db.query('SELECT price, observed_at FROM listing_price_history WHERE advert_id = $1 ORDER BY observed_at, id', [advertId]),
    db.query<MarketSummaryRow>(`SELECT ${MARKET_COLUMNS} FROM market_summaries WHERE make = $1 AND model = $2`, [deal.make, deal.model]),
  ]);
  const { sample_summary: comparison, ...rest } = deal;
  return {
    ...rest,
    analysed_at: deal.analysed_at.toISOString(),
    first_seen: deal.first_seen.toISOString(),
    last_seen: deal.last_seen.toISOString(),
    price_history: history.rows.map((h) => ({ price: h.price, observed_at: h.observed_at.toISOString() })),
    comparison_sample: comparison,
    market: market.rows[0] ? marketRow(market.rows[0]) : null,
  };
}

const MARKET_COLUMNS = `sample_size, min_price, max_price, median_price, trend, trend_pct, trend_days, confidence, age_bands,
  median_days_on_market, listings_gone, analysed_at`;
interface MarketSummaryRow {
  sample_size: number;
  min_price: number | null;
  max_price: number | null;
  median_price: number | null;
  trend: MarketTrend;
  trend_pct: number | null;
  trend_days: number;
  confidence: number;
  age_bands: Array<{ band: string; listings: number; medianPrice: number }>;
  median_days_on_market: number | null;
  listings_gone: number;
  analysed_at: Date;
}
const marketRow = <T extends MarketSummaryRow>(row: T) => ({ ...row, analysed_at: row.analysed_at.toISOString() });

/** One model's market summary and its daily medians over the trend window (oldest first); null when never analysed. */
export async function marketOfModel(db: Database, make: string, model: string, days: number) {
  const [summary, daily] = await Promise.all([
    db.query<MarketSummaryRow & { make: string; model: string }>(`SELECT make, model, ${MARKET_COLUMNS} FROM market_summaries WHERE lower(make) = lower($1) AND lower(model) = lower($2)`, [make, model]),
    db.query<{ day: string; listings: number; median_price: number | null }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, listings, median_price FROM market_daily
        WHERE lower(make) = lower($1) AND lower(model) = lower($2) AND day > current_date - $3::int ORDER BY day`,
      [make, model, days],
    ),
  ]);
  const row = summary.rows[0];
  return row ? { ...marketRow(row), daily: daily.rows } : null;
}

/** Deal counts and margin sums by rating, the best makes, 14 days of scrape runs by day, and the models' market trends. */
export async function dealStatistics(db: Database) {
  const [byRating, makes, daily, markets, trends] = await Promise.all([
    db.query<{ rating: string; n: number; margin_sum: number }>(
      'SELECT rating, count(*)::int AS n, sum(profit_margin) AS margin_sum FROM deals GROUP BY rating',
    ),
    db.query(
      `SELECT make, round(avg(profit_margin), 4) AS avg_profit_margin, count(*)::int AS deals
         FROM deals GROUP BY make ORDER BY avg(profit_margin) DESC, make LIMIT 10`,
    ),
    db.query(
      `SELECT to_char(date_trunc('day', started_at), 'YYYY-MM-DD') AS date, count(*)::int AS runs,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed,
              sum(pages)::int AS pages, sum(listings_new)::int AS listings_new, sum(listings_updated)::int AS listings_updated
         FROM scrape_runs WHERE started_at > now() - interval '14 days' GROUP BY 1 ORDER BY 1 DESC`,
    ),
    db.query(
      `SELECT make, model, sample_size, median_price, trend, trend_pct, confidence FROM market_summaries
        ORDER BY sample_size DESC, make, model LIMIT 50`,
    ),
    db.query<{ trend: string; n: number }>('SELECT trend, count(*)::int AS n FROM market_summaries GROUP BY trend'),
  ]);
  return { byRating: byRating.rows, makes: makes.rows, daily: daily.rows, markets: markets.rows, trends: trends.rows };
}

export interface AlertFilter {
  kind?: string;
}

export const alertListCursor = listCursor('alerts', [cursorKey.timestamp, cursorKey.id]);

/** The statements `listAlerts` runs (exported so a test can check their plans). */
export function alertListQuery(filter: AlertFilter = {}) {
  return new ListQuery(
    `a.id, a.kind, a.advert_id, a.make, a.model, a.price, a.previous_price, a.estimated_value, a.conservative_value,
     a.profit_margin, a.details, a.webhook_status, a.webhook_error, l.url, a.created_at`,
    // A market anomaly alert is about a model, not one advert: it has no listing.
    'deal_alerts a LEFT JOIN listings l USING (advert_id)',
    ['a.created_at', 'a.id'],
  ).filter(filter.kind, (kind) => `a.kind = ${kind}`);
}

/** A page of alerts (of one kind, or all), newest first, with the total. */
export async function listAlerts(db: Database, filter: AlertFilter, request: ListRequest) {
  const page = await readList<any>(db, alertListQuery(filter), alertListCursor, request);
  return { ...page, rows: page.rows.map((row) => ({ ...row, created_at: iso(row.created_at) })) };
}

const LISTING_TABLES = ['listings', 'listing_price_history', 'deals', 'deal_alerts', 'market_summaries', 'market_daily', 'scrape_runs'] as const;

/** Row counts of the listing tables, the database size and the latest scrape activity. */
export async function listingTablesStatus(db: Database) {
  const counts = await db.query<Record<string, number>>(
    `SELECT ${LISTING_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
  );
  const extra = await db.query<{ size: number; last_finished: Date | null; last_seen: Date | null }>(
    `SELECT pg_database_size(current_database())::bigint AS size,
            (SELECT max(finished_at) FROM scrape_runs) AS last_finished,
            (SELECT max(last_seen) FROM listings) AS last_seen`,
  );
  const row = extra.rows[0]!;
  return {
    tables: counts.rows[0]!,
    database_size_bytes: row.size,
    last_scrape_finished_at: iso(row.last_finished),
    latest_listing_seen_at: iso(row.last_seen),
  };
}
