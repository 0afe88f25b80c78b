import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { DEAL_RATINGS } from '../../domain/listings/deal-rating';
import type { AppEnv } from '../dependencies';
import { errorResponses, fail, ok, successEnvelope } from '../envelope';

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
};

const dealSchema = z
  .object({
    advert_id: z.string(),
    make: z.string(),
    model: z.string(),
    title: z.string(),
    subtitle: z.string().nullable(),
    year: z.number().nullable(),
    mileage: z.number().nullable(),
    price: z.number(),
    estimated_value: z.number(),
    profit_margin: z.number(),
    rating: z.enum(['excellent', 'good', 'negotiation', 'reject']),
    sample_size: z.number(),
    confidence: z.number(),
    seller_type: z.string(),
    location: z.string().nullable(),
    distance_miles: z.number().nullable(),
    url: z.string(),
    analysed_at: z.string(),
  })
  .openapi('Deal');

const dealDetailSchema = dealSchema
  .extend({
    plate: z.string().nullable(),
    dealer_name: z.string().nullable(),
    price_indicator: z.string().nullable(),
    first_seen: z.string(),
    last_seen: z.string(),
    price_history: z.array(z.object({ price: z.number(), observed_at: z.string() })),
    comparison_sample: z.record(z.string(), z.unknown()),
    market: z
      .object({
        sample_size: z.number(),
        min_price: z.number().nullable(),
        max_price: z.number().nullable(),
        median_price: z.number().nullable(),
        trend: z.string(),
        trend_pct: z.number().nullable(),
        confidence: z.number(),
      })
      .nullable(),
  })
  .openapi('DealDetail');

const listDealsRoute = createRoute({
  method: 'get',
  path: '/api/deals',
  tags: ['Listings'],
  summary: 'Rated deals, best margin first',
  request: {
    query: z.object({
      make: z.string().trim().min(1).max(60).optional(),
      model: z.string().trim().min(1).max(60).optional(),
      rating: z.enum(DEAL_RATINGS as [string, ...string[]]).optional(),
      min_margin: z.coerce.number().min(-10).max(10).optional().openapi({ description: 'e.g. 0.1 for 10 %' }),
      ...pageQuery,
    }),
  },
  responses: {
    200: {
      description: 'A page of deals',
      content: {
        'application/json': {
          schema: successEnvelope(z.object({ deals: z.array(dealSchema), total: z.number(), page: z.number(), per_page: z.number() })),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

const dealRoute = createRoute({
  method: 'get',
  path: '/api/deals/{id}',
  tags: ['Listings'],
  summary: 'One deal with its listing, price history, comparison sample and model market summary',
  request: { params: z.object({ id: z.string().regex(/^\d{6,20}$/, 'an AutoTrader advert id (digits)') }) },
  responses: {
    200: { description: 'The deal', content: { 'application/json': { schema: successEnvelope(dealDetailSchema) } } },
    ...errorResponses(400, 401, 404),
  },
});

const statsRoute = createRoute({
  method: 'get',
  path: '/api/stats',
  tags: ['Listings'],
  summary: 'Deal and scraping statistics',
  responses: {
    200: {
      description: 'Statistics',
      content: {
        'application/json': {
          schema: successEnvelope(
            z.object({
              total_deals: z.number(),
              deals_by_rating: z.record(z.string(), z.number()),
              avg_profit_margin: z.number().nullable(),
              most_profitable_makes: z.array(z.object({ make: z.string(), avg_profit_margin: z.number(), deals: z.number() })),
              daily_scraping_stats: z.array(
                z.object({
                  date: z.string(),
                  runs: z.number(),
                  succeeded: z.number(),
                  failed: z.number(),
                  pages: z.number(),
                  listings_new: z.number(),
                  listings_updated: z.number(),
                }),
              ),
            }),
          ),
        },
      },
    },
    ...errorResponses(401),
  },
});

const alertSchema = z
  .object({
    id: z.number(),
    advert_id: z.string(),
    make: z.string(),
    model: z.string(),
    price: z.number(),
    estimated_value: z.number(),
    profit_margin: z.number(),
    webhook_status: z.string(),
    url: z.string(),
    created_at: z.string(),
  })
  .openapi('DealAlert');

const alertsRoute = createRoute({
  method: 'get',
  path: '/api/alerts',
  tags: ['Listings'],
  summary: 'Listings above the alert margin, newest first',
  request: { query: z.object(pageQuery) },
  responses: {
    200: {
      description: 'A page of alerts',
      content: {
        'application/json': {
          schema: successEnvelope(z.object({ alerts: z.array(alertSchema), total: z.number(), page: z.number(), per_page: z.number() })),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

const DEAL_COLUMNS = `d.advert_id, d.make, d.model, l.title, l.subtitle, l.year, l.mileage, d.price, d.estimated_value, d.profit_margin,
  d.rating, d.sample_size, d.confidence, l.seller_type, l.location, l.distance_miles, l.url, d.analysed_at`;
const iso = (value: Date | null) => value?.toISOString() ?? null;

export function registerDealsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(listDealsRoute, async (c) => {
    const { make, model, rating, min_margin, limit, page } = c.req.valid('query');
    const filters = [make ?? null, model ?? null, rating ?? null, min_margin ?? null];
    const where = `WHERE ($1::text IS NULL OR lower(d.make) = lower($1)) AND ($2::text IS NULL OR lower(d.model) = lower($2))
                     AND ($3::text IS NULL OR d.rating = $3) AND ($4::numeric IS NULL OR d.profit_margin >= $4)`;
    const { db } = c.get('deps');
    const [deals, total] = await Promise.all([
      db.query(
        `SELECT ${DEAL_COLUMNS} FROM deals d JOIN listings l USING (advert_id) ${where}
          ORDER BY d.profit_margin DESC, d.advert_id LIMIT $5 OFFSET $6`,
        [...filters, limit, (page - 1) * limit],
      ),
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deals d ${where}`, filters),
    ]);
    return ok(c, {
      deals: deals.rows.map((row) => ({ ...row, analysed_at: row.analysed_at.toISOString() })),
      total: total.rows[0]!.n,
      page,
      per_page: limit,
    });
  });

  app.openapi(dealRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { db } = c.get('deps');
    const { rows } = await db.query(
      `SELECT ${DEAL_COLUMNS}, l.plate, l.dealer_name, l.price_indicator, l.first_seen, l.last_seen, d.sample_summary
         FROM deals d JOIN listings l USING (advert_id) WHERE d.advert_id = $1`,
      [id],
    );
    const deal = rows[0];
    if (!deal) return fail(c, 404, 'NOT_FOUND', `no deal for advert ${id}`);
    const [history, market] = await Promise.all([
      db.query('SELECT price, observed_at FROM listing_price_history WHERE advert_id = $1 ORDER BY observed_at, id', [id]),
      db.query(
        'SELECT sample_size, min_price, max_price, median_price, trend, trend_pct, confidence FROM market_summaries WHERE make = $1 AND model = $2',
        [deal.make, deal.model],
      ),
    ]);
    const { sample_summary: comparison, ...rest } = deal;
    return ok(c, {
      ...rest,
      analysed_at: deal.analysed_at.toISOString(),
      first_seen: deal.first_seen.toISOString(),
      last_seen: deal.last_seen.toISOString(),
      price_history: history.rows.map((h) => ({ price: h.price, observed_at: h.observed_at.toISOString() })),
      comparison_sample: comparison,
      market: market.rows[0] ?? null,
    });
  });

  app.openapi(statsRoute, async (c) => {
    const { db } = c.get('deps');
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
    const deals_by_rating = Object.fromEntries(DEAL_RATINGS.map((rating) => [rating, 0])) as Record<string, number>;
    let total = 0;
    let marginSum = 0;
    for (const row of byRating.rows) {
      deals_by_rating[row.rating] = row.n;
      total += row.n;
      marginSum += row.margin_sum;
    }
    return ok(c, {
      total_deals: total,
      deals_by_rating,
      avg_profit_margin: total > 0 ? Math.round((marginSum / total) * 10_000) / 10_000 : null,
      most_profitable_makes: makes.rows,
      daily_scraping_stats: daily.rows,
    });
  });

  app.openapi(alertsRoute, async (c) => {
    const { limit, page } = c.req.valid('query');
    const { db } = c.get('deps');
    const [alerts, total] = await Promise.all([
      db.query(
        `SELECT a.id, a.advert_id, a.make, a.model, a.price, a.estimated_value, a.profit_margin, a.webhook_status, l.url, a.created_at
           FROM deal_alerts a JOIN listings l USING (advert_id) ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2`,
        [limit, (page - 1) * limit],
      ),
      db.query<{ n: number }>('SELECT count(*)::int AS n FROM deal_alerts'),
    ]);
    return ok(c, {
      alerts: alerts.rows.map((row) => ({ ...row, created_at: iso(row.created_at) })),
      total: total.rows[0]!.n,
      page,
      per_page: limit,
    });
  });
}
