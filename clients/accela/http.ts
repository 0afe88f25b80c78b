import type { ApiAnswer, JsonApiSource } from '../http/json-api-client';
import { AccelaApiError, errorKindForStatus } from './errors';
import { v4ErrorSchema } from './schemas';

/** The body as JSON (empty is `{}`), or a typed error naming what came instead (a proxy's HTML page). */
export function readAccelaJson(answer: ApiAnswer): unknown {
  if (answer.text.trim() === '') return {};
  try {
    return JSON.parse(answer.text);
  } catch {
    const kind = answer.status >= 500 ? 'server' : 'invalid_response';
    throw new AccelaApiError(kind, answer.status, 'invalid_json', `response ${answer.status} is not JSON: ${answer.text.slice(0, 120)}`);
  }
}

/** The v4 error envelope, or the `x-accela-resp-*` headers when a gateway answered instead. */
function toApiError(answer: ApiAnswer, payload: unknown): AccelaApiError {
  const envelope = v4ErrorSchema.safeParse(payload);
  const code = envelope.success ? envelope.data.code : (answer.headers.get('x-accela-resp-code') ?? `http_${answer.status}`);
  const message = envelope.success
    ? (envelope.data.message ?? code)
    : (answer.headers.get('x-accela-resp-message') ?? `Accela answered HTTP ${answer.status}`);
  return new AccelaApiError(errorKindForStatus(answer.status), answer.status, code, message, {
    more: envelope.success ? envelope.data.more : undefined,
    traceId: envelope.success ? envelope.data.traceId : (answer.headers.get('x-accela-traceid') ?? undefined),
  });
}

/** How Accela's answers read and fail: every failure is an `AccelaApiError` whose kind says whether to retry. */
export const accelaAnswers: JsonApiSource = {
  name: 'accela',
  parseBody: readAccelaJson,
  errorFor: toApiError,
  invalidShape: (answer, request, problem) =>
    new AccelaApiError('invalid_response', answer.status, 'invalid_envelope', `${request.name}: ${problem.message}`),
  noAnswer: (request, { cause, timedOutAfterMs, status }) => {
    if (status !== null) {
      const kind = timedOutAfterMs === null ? 'network' : 'timeout';
      return new AccelaApiError(kind, status, 'body_read_failed', `reading the response failed: ${cause.message}`);
    }
    const call = `${request.method} ${request.url.pathname}`;
    if (timedOutAfterMs !== null) return new AccelaApiError('timeout', null, 'timeout', `${call} timed out after ${timedOutAfterMs} ms`);
    return new AccelaApiError('network', null, 'network_error', `${call} failed: ${cause.message}`);
  },
  rateLimited: (_request, attempts, waitMs) =>
    new AccelaApiError('rate_limited', 429, 'rate_limited', `rate limited ${attempts} times in a row`, { retryAfterMs: waitMs }),
};
