import { createRoute, z } from '@hono/zod-openapi';
import { FLEET } from '../../domain/listings/fleet';
import { listingDatabaseStatus, requireFleetModel, runningScrapes, scrapeHistory, startModelScrape } from '../../services/listings/scrapes';
import { errorResponses, ok, okWithStatus, pageNumberQuery, pagedList, paginationOf, successEnvelope } from '../envelope';
import { boundedInteger, trimmedText } from '../input-schemas';
import { createRouter, type Router } from '../router';

const scrapeRequest = z
  .strictObject({
    make: trimmedText({ max: 60 }).openapi({ example: 'Ford' }),
    model: trimmedText({ max: 60 }).openapi({ example: 'Fiesta' }),
    max_results: boundedInteger({ min: 1, max: 5_000 }).nullable().default(null),
  })
  // A scrape takes a make and model of the fleet only (in any letter case): the document lists the pairs.
  .openapi('ScrapeRequest', {
    anyOf: FLEET.map((brand) => ({
      properties: { make: { type: 'string', enum: [brand.make] }, model: { type: 'string', enum: [...brand.models] } },
    })),
  });

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

const pageQuery = z.object(pageNumberQuery({ defaultLimit: 20, maxLimit: 100 }));

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
  request: { query: pageQuery.extend({ make: trimmedText({ max: 60 }).optional(), model: trimmedText({ max: 60 }).optional() }) },
  responses: {
    200: {
      description: 'Scrape runs',
      content: {
        'application/json': {
          schema: successEnvelope(pagedList('runs', runSchema)),
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

/** The scrape routes, as a sub-app joined into the API by `api/app.ts`. */
export function scrapeRoutes(): Router {
  const app = createRouter();

  app.openapi(postScrapeRoute, async (c) => {
    const body = c.req.valid('json');
    const model = requireFleetModel(body.make, body.model);
    const workflowId = await startModelScrape(c.get('deps'), model, { maxResults: body.max_results });
    return okWithStatus(c, { workflow_id: workflowId, make: model.make, model: model.model, max_results: body.max_results }, 202);
  });

  app.openapi(statusRoute, async (c) => ok(c, { running: await runningScrapes(c.get('deps')) }));

  app.openapi(historyRoute, async (c) => {
    const query = c.req.valid('query');
    const runs = await scrapeHistory(c.get('deps'), query);
    return ok(c, { runs: runs.rows, ...paginationOf(runs), page: query.page, per_page: query.limit });
  });

  app.openapi(dbStatusRoute, async (c) => ok(c, await listingDatabaseStatus(c.get('deps'))));
  return app;
}
