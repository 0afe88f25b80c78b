import { totalKnownFromPage } from '../../domain/listings/page-total';
import type { Readable } from 'node:stream';
import type { Database } from '../../platform/database';
import { streamRows } from '../../platform/query-stream';

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

export interface PageWindow {
  limit: number;
  offset: number;
}

const DEAL_FILTER = `WHERE ($1::text IS NULL OR lower(d.make) = lower($1)) AND ($2::text IS NULL OR lower(d.model) = lower($2))
                   AND ($3::text IS NULL OR d.rating = $3) AND ($4::numeric IS NULL OR d.profit_margin >= $4)`;
const dealFilterValues = (filter: DealFilter) => [filter.make ?? null, filter.model ?? null, filter.rating ?? null, filter.minMargin ?? null];

/** The statements `listDeals` runs: the page and the count (exported so a test can check their plans). */
export function dealListQueries(filter: DealFilter, page: PageWindow) {
  return {
    page: {
      text: `SELECT ${DEAL_COLUMNS} FROM deals d JOIN listings l USING (advert_id) ${DEAL_FILTER}
        ORDER BY d.profit_margin DESC, d.advert_id LIMIT $5 OFFSET $6`,
      values: [...dealFilterValues(filter), page.limit, page.offset],
    },
    count: { text: `SELECT count(*)::int AS n FROM deals d ${DEAL_FILTER}`, values: dealFilterValues(filter) },
  };
}

/** Every deal matching the filter, in the list's order, through a cursor (see `GET /api/deals/export`). */
export function exportDealRows(db: Database, filter: DealFilter): Promise<Readable> {
  return streamRows(db, {
    text: `SELECT ${DEAL_COLUMNS} FROM deals d JOIN listings l USING (advert_id) ${DEAL_FILTER} ORDER BY d.profit_margin DESC, d.advert_id`,
    values: dealFilterValues(filter),
  });
}

/** Counting reads every matching index entry, so it runs only when the page does not tell the total. */
async function countOf(db: Database, count: { text: string; values: unknown[] }) {
  return (await db.query<{ n: number }>(count)).rows[0]!.n;
}

/** A page of deals, best margin first, with the total matching the filter. */
export async function listDeals(db: Database, filter: DealFilter, page: PageWindow) {
  const queries = dealListQueries(filter, page);
  const deals = await db.query(queries.page);
  const total = totalKnownFromPage(page, deals.rows.length) ?? (await countOf(db, queries.count));
  return { deals: deals.rows.map((row) => ({ ...row, analysed_at: row.analysed_at.toISOString() })), total };
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

/** The statements `listAlerts` runs: the page and the count (exported so a test can check their plans). */
export function alertListQueries(page: PageWindow) {
  return {
    page: {
      text: `SELECT a.id, a.advert_id, a.make, a.model, a.price, a.estimated_value, a.profit_margin, a.webhook_status, a.webhook_error, l.url, a.created_at
         FROM deal_alerts a JOIN listings l USING (advert_id) ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2`,
      values: [page.limit, page.offset],
    },
    count: { text: 'SELECT count(*)::int AS n FROM deal_alerts', values: [] },
  };
}

/** A page of deal alerts, newest first, with the total. */
export async function listAlerts(db: Database, page: PageWindow) {
  const queries = alertListQueries(page);
  const alerts = await db.query(queries.page);
  const total = totalKnownFromPage(page, alerts.rows.length) ?? (await countOf(db, queries.count));
  return { alerts: alerts.rows.map((row) => ({ ...row, created_at: iso(row.created_at) })), total };
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
