import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { AppEnv } from '../dependencies';
import { errorDescriptions } from '../envelope';

type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPIDocument']>;

const BODY_ERROR_STATUSES = [413, 415] as const;

/**
 * Every body passes the size limit (api/app.ts) and a route's media-type check before its schema, so
 * every operation taking a body can answer 413 and 415: added here once rather than on each route.
 */
function withBodyErrorResponses(document: OpenApiDocument): OpenApiDocument {
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const operation = pathItem[method];
      if (!operation?.requestBody) continue;
      for (const status of BODY_ERROR_STATUSES) {
        operation.responses[status] ??= {
          description: errorDescriptions[status],
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        };
      }
    }
  }
  return document;
}

const SWAGGER_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

// Swagger UI is served from the installed package: the docs page must work without internet access.
const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Prospector API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const initScript = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: true,
});`;

export function registerDocsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKeyHeader', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'BearerKey', { type: 'http', scheme: 'bearer' });
  const documentConfig: Parameters<typeof app.getOpenAPIDocument>[0] = {
    openapi: '3.0.3',
    info: {
      title: 'Prospector API',
      version: '0.1.0',
      description:
        'Starts, queries and cancels Prospector pipelines and serves their data. Every response is the envelope ' +
        '`{success, data, error}`. Every /api route except /api/health needs an API key.',
    },
    security: [{ ApiKeyHeader: [] }, { BearerKey: [] }],
  };
  app.get('/openapi.json', (c) => c.json(withBodyErrorResponses(app.getOpenAPIDocument(documentConfig))));
  app.get('/docs', (c) => c.html(docsPage));
  app.get('/docs/init.js', (c) => c.body(initScript, 200, { 'content-type': 'application/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const contentType = SWAGGER_ASSETS[file];
    if (!contentType) return c.notFound();
    const content = await readFile(path.join(getAbsoluteFSPath(), file));
    return c.body(content, 200, { 'content-type': contentType, 'cache-control': 'public, max-age=86400' });
  });
}
