import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Gauge } from 'prom-client';
import { findFleetModel, type FleetModel } from '../../domain/listings/fleet';
import type { Database } from '../../platform/database';
import { metricsRegistry } from '../../platform/metrics';
import { MakeAttribute, ModelAttribute, SourceAttribute } from '../../platform/search-attributes';
import { scrapeModelWorkflowId } from '../../workflows/listings/ids';
import type { scrapeModelWorkflow } from '../../workflows/listings/scrape-model';
import type { ApiDependencies, AppEnv } from '../dependencies';
import { errorResponses, fail, ok, okWithStatus, successEnvelope } from '../envelope';

export class ScrapeAlreadyRunningError extends Error {
  override name = 'ScrapeAlreadyRunningError';
  constructor(readonly workflowId: string) {
    super(`a scrape of this model is already running (workflow ${workflowId})`);
  }
}

/**
 * Starts one model's scrape under the model's fixed workflow id, so a second start (from here, the
 * sandbox seeder or a batch) while one runs is refused by Temporal itself.
 */
export async function startModelScrape(
  deps: Pick<ApiDependencies, 'temporal' | 'queues'>,
  model: FleetModel,
  maxResults: number | null,
  delaySeconds: number | null = null,
): Promise<string> {
  const workflowId = scrapeModelWorkflowId(model.make, model.model);
  try {
    await deps.temporal.workflow.start<typeof scrapeModelWorkflow>('scrapeModelWorkflow', {
      workflowId,
      taskQueue: deps.queues.workflows,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ make: model.make, model: model.model, maxResults, delaySeconds }],
      typedSearchAttributes: [
        { key: SourceAttribute, value: 'autotrader' },
        { key: MakeAttribute, value: model.make },
        { key: ModelAttribute, value: model.model },
      ],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new ScrapeAlreadyRunningError(workflowId);
    throw error;
  }
  return workflowId;
}

const scrapeRequest = z
  .strictObject({
    make: z.string().trim().min(1).max(60).openapi({ example: 'Ford' }),
    model: z.string().trim().min(1).max(60).openapi({ example: 'Fiesta' }),
    max_results: z.number().int().min(1).max(5_000).nullable().default(null),
  })
  .openapi('ScrapeRequest');

const scrapeStarted = z
  .object({ workflow_id: z.string(), make: z.string(), model: z.string(), max_results: z.number().nullable() })
  .openapi('ScrapeStarted');

const runSchema = z
  .object({
    run_id: z.number(),
    make: z.string(),
    model: z.string(),
    workflow_id: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
    pages: z.number(),
    listings_seen: z.number(),
    listings_new: z.number(),
    listings_updated: z.number(),
    rejected_cards: z.number(),
    deals_analysed: z.number().nullable(),
    stop_reason: z.string().nullable(),
    errors: z.array(z.string()),
    screenshot_paths: z.array(z.string()),
    started_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi('ScrapeRun');

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const postScrapeRoute = createRoute({
  method: 'post',
  path: '/api/scrape',
  tags: ['Listings'],
  summary: 'Start a scrape of one make and model (202); 409 while that model is being scraped',
  request: { body: { required: true, content: { 'application/json': { schema: scrapeRequest } } } },
  responses: {
    202: { description: 'The scrape started', content: { 'application/json': { schema: successEnvelope(scrapeStarted) } } },
    ...errorResponses(400, 401, 409, 503),
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: '/api/scrape/status',
  tags: ['Listings'],
  summary: 'Running scrapes with pages done and listings so far',
  responses: {
    200: { description: 'Running scrapes', content: { 'application/json': { schema: successEnvelope(z.object({ running: z.array(runSchema) })) } } },
    ...errorResponses(401),
  },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/api/scrape/history',
  tags: ['Listings'],
  summary: 'Past and running scrapes, newest first',
  request: { query: pageQuery.extend({ make: z.string().trim().min(1).max(60).optional(), model: z.string().trim().min(1).max(60).optional() }) },
  responses: {
    200: {
      description: 'Scrape runs',
      content: {
        'application/json': {
          schema: successEnvelope(z.object({ runs: z.array(runSchema), total: z.number(), page: z.number(), per_page: z.number() })),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

const dbStatusRoute = createRoute({
  method: 'get',
  path: '/api/db/status',
  tags: ['Listings'],
  summary: 'Row counts of the listing tables, database size, latest scrape activity',
  responses: {
    200: {
      description: 'Database status',
      content: {
        'application/json': {
          schema: successEnvelope(
            z.object({
              tables: z.record(z.string(), z.number()),
              database_size_bytes: z.number(),
              last_scrape_finished_at: z.string().nullable(),
              latest_listing_seen_at: z.string().nullable(),
            }),
          ),
        },
      },
    },
    ...errorResponses(401, 503),
  },
});

const RUN_COLUMNS = `id AS run_id, make, model, workflow_id, status, pages, listings_seen, listings_new, listings_updated, rejected_cards,
  deals_analysed, stop_reason, errors, screenshot_paths, started_at, finished_at`;
const toRun = (row: any) => ({
  ...row,
  started_at: row.started_at.toISOString(),
  finished_at: row.finished_at?.toISOString() ?? null,
});
const LISTING_TABLES = ['listings', 'listing_price_history', 'deals', 'deal_alerts', 'market_summaries', 'scrape_runs'] as const;

export function registerScrapeRoutes(app: OpenAPIHono<AppEnv>) {
  // /metrics is served by this process; the gauges read the database it uses.
  app.use('/metrics', async (c, next) => {
    listingGauges.db = c.get('deps').db;
    await next();
  });

  app.openapi(postScrapeRoute, async (c) => {
    const body = c.req.valid('json');
    const model = findFleetModel(body.make, body.model);
    if (!model) return fail(c, 400, 'VALIDATION_ERROR', `unknown model: ${body.make} ${body.model} is not in the fleet`, { field: 'model' });
    try {
      const workflowId = await startModelScrape(c.get('deps'), model, body.max_results);
      return okWithStatus(c, { workflow_id: workflowId, make: model.make, model: model.model, max_results: body.max_results }, 202);
    } catch (error) {
      if (error instanceof ScrapeAlreadyRunningError) return fail(c, 409, 'CONFLICT', error.message, { workflow_id: error.workflowId });
      throw error;
    }
  });

  app.openapi(statusRoute, async (c) => {
    const { rows } = await c.get('deps').db.query(`SELECT ${RUN_COLUMNS} FROM scrape_runs WHERE status = 'running' ORDER BY started_at`);
    return ok(c, { running: rows.map(toRun) });
  });

  app.openapi(historyRoute, async (c) => {
    const { limit, page, make, model } = c.req.valid('query');
    const where = `WHERE ($1::text IS NULL OR lower(make) = lower($1)) AND ($2::text IS NULL OR lower(model) = lower($2))`;
    const { db } = c.get('deps');
    const [runs, total] = await Promise.all([
      db.query(`SELECT ${RUN_COLUMNS} FROM scrape_runs ${where} ORDER BY started_at DESC, id DESC LIMIT $3 OFFSET $4`, [
        make ?? null,
        model ?? null,
        limit,
        (page - 1) * limit,
      ]),
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM scrape_runs ${where}`, [make ?? null, model ?? null]),
    ]);
    return ok(c, { runs: runs.rows.map(toRun), total: total.rows[0]!.n, page, per_page: limit });
  });

  app.openapi(dbStatusRoute, async (c) => {
    const { db } = c.get('deps');
    try {
      const counts = await db.query<Record<string, number>>(
        `SELECT ${LISTING_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
      );
      const extra = await db.query<{ size: number; last_finished: Date | null; last_seen: Date | null }>(
        `SELECT pg_database_size(current_database())::bigint AS size,
                (SELECT max(finished_at) FROM scrape_runs) AS last_finished,
                (SELECT max(last_seen) FROM listings) AS last_seen`,
      );
      const row = extra.rows[0]!;
      return ok(c, {
        tables: counts.rows[0]!,
        database_size_bytes: row.size,
        last_scrape_finished_at: row.last_finished?.toISOString() ?? null,
        latest_listing_seen_at: row.last_seen?.toISOString() ?? null,
      });
    } catch (error) {
      return fail(c, 503, 'UNAVAILABLE', `database unavailable: ${(error as Error).message}`);
    }
  });
}

/** Scraping figures for /metrics, read from PostgreSQL so they cover every worker process. */
const listingGauges = { db: undefined as Database | undefined };
const gauge = (name: string, help: string, sql: string, labelNames: string[] = []) =>
  new Gauge({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    async collect() {
      if (!listingGauges.db) return;
      const { rows } = await listingGauges.db.query(sql).catch(() => ({ rows: [] as any[] }));
      this.reset();
      for (const row of rows) {
        const { value, ...labels } = row;
        this.set(labels, Number(value));
      }
    },
  });
gauge('prospector_autotrader_scrapes_running', 'Model scrapes running now', `SELECT count(*) AS value FROM scrape_runs WHERE status = 'running'`);
gauge(
  'prospector_autotrader_scrape_runs_24h',
  'Model scrapes finished in the last 24 hours, by status',
  `SELECT status, count(*) AS value FROM scrape_runs WHERE finished_at > now() - interval '24 hours' GROUP BY status`,
  ['status'],
);
gauge(
  'prospector_autotrader_pages_scraped_24h',
  'Result pages read by scrapes started in the last 24 hours',
  `SELECT coalesce(sum(pages), 0) AS value FROM scrape_runs WHERE started_at > now() - interval '24 hours'`,
);
gauge('prospector_autotrader_listings', 'Listings stored', `SELECT count(*) AS value FROM listings`);
gauge('prospector_autotrader_deals', 'Rated deals, by rating', `SELECT rating, count(*) AS value FROM deals GROUP BY rating`, ['rating']);
gauge('prospector_autotrader_alerts_24h', 'Deal alerts raised in the last 24 hours', `SELECT count(*) AS value FROM deal_alerts WHERE created_at > now() - interval '24 hours'`);
