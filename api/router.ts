import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './dependencies';
import { describeValidationError, fail } from './envelope';

const BODY_REQUIRED = 'a JSON request body is required';

/**
 * A Hono sub-app for one area of the API (joined in `api/app.ts` with `app.route`), whose request
 * validation failures become 400 envelopes naming the field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      // The JSON validator runs without a Content-Type only for a required body (an optional one is
      // skipped), and then validates `{}`: a request that sent no body at all is refused here.
      if (result.target === 'json' && !c.req.header('content-type')) {
        return fail(c, 400, 'VALIDATION_ERROR', `(body): ${BODY_REQUIRED}`, [{ field: '(body)', message: BODY_REQUIRED }]);
      }
      if (!result.success) {
        const { message, details } = describeValidationError(result.error);
        return fail(c, 400, 'VALIDATION_ERROR', message, details);
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
