import { cursorKey, listCursor } from '../../domain/list-cursor';
import type { Database } from '../../platform/database';
import { ListQuery, type ListRequest, readList } from '../../platform/list-query';

/** Reads of rated deals, alerts and the listing tables, for the API (the deal activity writes them). */

const DEAL_COLUMNS = `d.advert_id, d.make, d.model, l.title, l.subtitle, l.year, l.mileage, d.price, d.estimated_value, d.profit_margin,
  d.rating, d.sample_size, d.confidence, l.seller_type, l.location, l.distance_miles, l.url, d.analysed_at`;
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
    db.query(
      'SELECT sample_size, min_price, max_price, median_price, trend, trend_pct, confidence FROM market_summaries WHERE make = $1 AND model = $2',
      [deal.make, deal.model],
    ),
  ]);
  const { sample_summary: comparison, ...rest } = deal;
  return {
    ...rest,
    analysed_at: deal.analysed_at.toISOString(),
    first_seen: deal.first_seen.toISOString(),
    last_seen: deal.last_seen.toISOString(),
    price_history: history.rows.map((h) => ({ price: h.price, observed_at: h.observed_at.toISOString() })),
    comparison_sample: comparison,
    market: market.rows[0] ?? null,
  };
}

/** Deal counts and margin sums by rating, the best makes, and 14 days of scrape runs by day. */
export async function dealStatistics(db: Database) {
  const [byRating, makes, daily] = await Promise.all([
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
  ]);
  return { byRating: byRating.rows, makes: makes.rows, daily: daily.rows };
}

export const alertListCursor = listCursor('alerts', [cursorKey.timestamp, cursorKey.id]);

/** The statements `listAlerts` runs (exported so a test can check their plans). */
export function alertListQuery() {
  return new ListQuery(
    'a.id, a.advert_id, a.make, a.model, a.price, a.estimated_value, a.profit_margin, a.webhook_status, a.webhook_error, l.url, a.created_at',
    'deal_alerts a JOIN listings l USING (advert_id)',
    ['a.created_at', 'a.id'],
  );
}

/** A page of deal alerts, newest first, with the total. */
export async function listAlerts(db: Database, request: ListRequest) {
  const page = await readList<any>(db, alertListQuery(), alertListCursor, request);
  return { ...page, rows: page.rows.map((row) => ({ ...row, created_at: iso(row.created_at) })) };
}

const LISTING_TABLES = ['listings', 'listing_price_history', 'deals', 'deal_alerts', 'market_summaries', 'scrape_runs'] as const;

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
