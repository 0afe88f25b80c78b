import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './dependencies';
import { describeValidationError, fail } from './envelope';

/**
 * A Hono sub-app for one area of the API (joined in `api/app.ts` with `app.route`), whose request
 * validation failures become 400 envelopes naming the field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const { message, details } = describeValidationError(result.error);
        return fail(c, 400, 'VALIDATION_ERROR', message, details);
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
