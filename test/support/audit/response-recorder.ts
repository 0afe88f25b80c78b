import { appendFileSync } from 'node:fs';
import path from 'node:path';

/** Set by scripts/run-tests.ts: the folder where the audit after the suite reads what the tests recorded. */
export const TEST_AUDIT_DIR_VARIABLE = 'TEST_AUDIT_DIR';

export const RESPONSES_FILE_PREFIX = 'api-responses-';

export interface RecordedResponse {
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  body: string;
}

/** JSON and plain-text answers (envelopes, errors, metrics, the OpenAPI document); static assets are not data. */
const RECORDED_TYPES = /^(application\/json|text\/plain)/;

/**
 * Makes `app.request` (what the tests call) append every JSON or plain-text response to
 * `<TEST_AUDIT_DIR>/api-responses-<pid>.jsonl`, so the run-wide audit sees every answer the API
 * gave during the suite: the error paths the tests provoke as well as the happy ones. Does nothing
 * when the variable is unset (a test file run outside scripts/run-tests.ts).
 */
export function recordResponses<App extends { request: (...args: any[]) => Response | Promise<Response> }>(app: App): App {
  const dir = process.env[TEST_AUDIT_DIR_VARIABLE];
  if (!dir) return app;
  const file = path.join(dir, `${RESPONSES_FILE_PREFIX}${process.pid}.jsonl`);
  const request = app.request.bind(app);
  app.request = (async (input: Request | string | URL, init?: RequestInit, ...rest: unknown[]) => {
    const response = await request(input, init, ...rest);
    if (RECORDED_TYPES.test(response.headers.get('content-type') ?? '')) {
      const url = typeof input === 'string' ? input : pathAndQuery(new URL(input instanceof URL ? input : input.url));
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      const record: RecordedResponse = { method: method.toUpperCase(), url, status: response.status, body: await response.clone().text() };
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    }
    return response;
  }) as App['request'];
  return app;
}

function pathAndQuery(url: URL): string {
  return `${url.pathname}${url.search}`;
}
