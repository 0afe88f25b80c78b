import { createRoute, z } from '@hono/zod-openapi';
import { ALERT_KINDS } from '../../domain/listings/alert-delivery';
import { DEAL_RATINGS } from '../../domain/listings/deal-rating';
import { DEAL_EXPORT_COLUMNS } from '../../domain/exports/export-columns';
import { MARKET_TRENDS } from '../../domain/listings/market-summary';
import { dealStats, exportDeals, findAlerts, findDeals, getDeal, getMarket } from '../../services/listings/deals';
import { errorResponses, ok, pageNumberQuery, pagedList, paginationOf, successEnvelope } from '../envelope';
import { exportContent, exportResponse } from '../export-stream';
import { numberParameter, trimmedText } from '../input-schemas';
import { createRouter, type Router } from '../router';

const pageQuery = pageNumberQuery({ defaultLimit: 20, maxLimit: 100 });

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
    estimated_value: z.number().openapi({ description: 'point estimate of fair value' }),
    conservative_value: z.number().openapi({ description: 'lower bound of fair value at confidence_level; margin and rating use it' }),
    confidence_level: z.number().openapi({ description: 'one-sided confidence level of conservative_value, e.g. 0.95' }),
    profit_margin: z.number().openapi({ description: '(conservative_value − price) / price' }),
    rating: z.enum(['excellent', 'good', 'negotiation', 'reject']),
    sample_size: z.number(),
    confidence: z.number(),
    low_confidence: z.boolean(),
    seller_type: z.string(),
    location: z.string().nullable(),
    distance_miles: z.number().nullable(),
    url: z.string(),
    analysed_at: z.string(),
  })
  .openapi('Deal');

const marketSummarySchema = z
  .object({
    sample_size: z.number(),
    min_price: z.number().nullable(),
    max_price: z.number().nullable(),
    median_price: z.number().nullable(),
    trend: z.enum(MARKET_TRENDS),
    trend_pct: z.number().nullable().openapi({ description: 'slope of the daily median: relative change per 30 days' }),
    trend_days: z.number(),
    confidence: z.number(),
    age_bands: z.array(z.object({ band: z.string(), listings: z.number(), medianPrice: z.number() })),
    median_days_on_market: z.number().nullable(),
    listings_gone: z.number(),
    analysed_at: z.string(),
  })
  .openapi('MarketSummary');

const dealDetailSchema = dealSchema
  .extend({
    plate: z.string().nullable(),
    dealer_name: z.string().nullable(),
    price_indicator: z.string().nullable(),
    first_seen: z.string(),
    last_seen: z.string(),
    price_history: z.array(z.object({ price: z.number(), observed_at: z.string() })),
    comparison_sample: z.record(z.string(), z.unknown()),
    market: marketSummarySchema.nullable(),
  })
  .openapi('DealDetail');

/** The deal list's filters; the export takes the same ones. */
const dealFilterQuery = z.object({
  make: trimmedText({ max: 60 }).optional(),
  model: trimmedText({ max: 60 }).optional(),
  rating: z.enum(DEAL_RATINGS as [string, ...string[]]).optional(),
  min_margin: numberParameter({ min: -10, max: 10 }).optional().openapi({ description: 'e.g. 0.1 for 10 %' }),
});

const listDealsRoute = createRoute({
  method: 'get',
  path: '/api/deals',
  tags: ['Listings'],
  summary: 'Rated deals, best margin first',
  request: {
    query: dealFilterQuery.extend(pageQuery),
  },
  responses: {
    200: {
      description: 'A page of deals',
      content: {
        'application/json': {
          schema: successEnvelope(pagedList('deals', dealSchema)),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

const exportDealsRoute = createRoute({
  method: 'get',
  path: '/api/deals/export',
  tags: ['Listings'],
  summary: 'Every rated deal matching the list filters, best margin first, streamed as CSV, or JSON lines with Accept: application/x-ndjson',
  description: `Columns: ${DEAL_EXPORT_COLUMNS.map((column) => column.name).join(', ')}. CSV cells of source text starting with = + - @ tab or CR get a leading apostrophe.`,
  request: { query: dealFilterQuery },
  responses: { 200: exportContent('Deals, one per line after the CSV header'), ...errorResponses(400, 401) },
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
              market_trends: z.record(z.string(), z.number()),
              markets: z.array(
                z.object({
                  make: z.string(),
                  model: z.string(),
                  sample_size: z.number(),
                  median_price: z.number().nullable(),
                  trend: z.enum(MARKET_TRENDS),
                  trend_pct: z.number().nullable(),
                  confidence: z.number(),
                }),
              ),
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
    kind: z.enum(ALERT_KINDS),
    /** The listing of a deal or price drop; null for a model's anomaly. */
    advert_id: z.string().nullable(),
    make: z.string(),
    model: z.string(),
    price: z.number().nullable(),
    previous_price: z.number().nullable(),
    estimated_value: z.number().nullable(),
    conservative_value: z.number().nullable(),
    profit_margin: z.number().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    webhook_status: z.enum(['not_configured', 'pending', 'sent', 'failed']),
    /** Why the webhook has not taken it (the last failure of a pending alert, the reason of a failed one). */
    webhook_error: z.string().nullable(),
    url: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('DealAlert');

const alertsRoute = createRoute({
  method: 'get',
  path: '/api/alerts',
  tags: ['Listings'],
  summary: 'Alerts, newest first: deals above the alert margin, price drops, market anomalies',
  request: {
    query: z.object({
      kind: z.enum(ALERT_KINDS).optional().openapi({ description: 'only alerts of this kind' }),
      ...pageQuery,
    }),
  },
  responses: {
    200: {
      description: 'A page of alerts',
      content: {
        'application/json': {
          schema: successEnvelope(pagedList('alerts', alertSchema)),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

const marketRoute = createRoute({
  method: 'get',
  path: '/api/market/{make}/{model}',
  tags: ['Listings'],
  summary: 'One model’s market over time: median by age band, trend of the daily median, days on market',
  request: { params: z.object({ make: trimmedText({ max: 60 }), model: trimmedText({ max: 60 }) }) },
  responses: {
    200: {
      description: 'The market',
      content: {
        'application/json': {
          schema: successEnvelope(
            marketSummarySchema
              .extend({
                make: z.string(),
                model: z.string(),
                daily: z.array(z.object({ day: z.string(), listings: z.number(), median_price: z.number().nullable() })),
              })
              .openapi('Market'),
          ),
        },
      },
    },
    ...errorResponses(400, 401, 404),
  },
});

/** The deals routes, as a sub-app joined into the API by `api/app.ts`. */
export function dealRoutes(): Router {
  const app = createRouter();
  app.openapi(listDealsRoute, async (c) => {
    const { make, model, rating, min_margin, limit, page, cursor } = c.req.valid('query');
    const deals = await findDeals(c.get('deps'), { make, model, rating, minMargin: min_margin }, { limit, page, cursor });
    return ok(c, { deals: deals.rows, ...paginationOf(deals), page, per_page: limit });
  });

  // Before /api/deals/{id}, which would take "export" for an advert id.
  app.openapi(exportDealsRoute, async (c) => {
    const { make, model, rating, min_margin } = c.req.valid('query');
    return exportResponse(c, await exportDeals(c.get('deps'), { make, model, rating, minMargin: min_margin }), DEAL_EXPORT_COLUMNS, 'deals');
  });

  app.openapi(dealRoute, async (c) => ok(c, await getDeal(c.get('deps'), c.req.valid('param').id)));

  app.openapi(statsRoute, async (c) => ok(c, await dealStats(c.get('deps'))));

  app.openapi(alertsRoute, async (c) => {
    const { kind, limit, page, cursor } = c.req.valid('query');
    const alerts = await findAlerts(c.get('deps'), { kind }, { limit, page, cursor });
    return ok(c, { alerts: alerts.rows, ...paginationOf(alerts), page, per_page: limit });
  });
  app.openapi(marketRoute, async (c) => {
    const { make, model } = c.req.valid('param');
    return ok(c, await getMarket(c.get('deps'), make, model));
  });
  return app;
}
