import type { JsonApiSource } from '../http/json-api-client';
import { errorBodySchema, type HighLevelErrorBody } from './schemas';

/** Any answer from HighLevel that is not a success; `status` is the HTTP status (0 for no answer). */
export class HighLevelError extends Error {
  override name = 'HighLevelError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 401: a bad, expired or revoked token, a token without the contacts scope, or a missing Version header. */
export class HighLevelAuthError extends HighLevelError {
  override name = 'HighLevelAuthError';
}

/** 403: the token belongs to another location. */
export class HighLevelLocationAccessError extends HighLevelError {
  override name = 'HighLevelLocationAccessError';
}

/** 422: the body broke the DTO whitelist or a required field is missing; HighLevel lists each problem. */
export class HighLevelValidationError extends HighLevelError {
  override name = 'HighLevelValidationError';
  constructor(
    status: number,
    readonly problems: string[],
  ) {
    super(status, problems.join('; '));
  }
}

/** 400 "does not allow duplicated contacts": the contact named by `contactId` already has this email or phone. */
export class HighLevelDuplicateContactError extends HighLevelError {
  override name = 'HighLevelDuplicateContactError';
  constructor(
    message: string,
    readonly contactId: string,
    readonly matchingField: string | null,
  ) {
    super(400, message);
  }
}

/** Any other 400 (an unparseable phone, an unknown contact id). */
export class HighLevelBadRequestError extends HighLevelError {
  override name = 'HighLevelBadRequestError';
}

/** 429 still answered after the client's own waits and retries. */
export class HighLevelRateLimitError extends HighLevelError {
  override name = 'HighLevelRateLimitError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(429, message);
  }
}

/** The location's daily request budget is spent (`X-RateLimit-Daily-Remaining: 0`); it refills tomorrow. */
export class HighLevelDailyLimitError extends HighLevelError {
  override name = 'HighLevelDailyLimitError';
  constructor(message: string) {
    super(429, message);
  }
}

/** 5xx, a timeout, a broken connection, or a success whose body is not the documented shape. */
export class HighLevelUnavailableError extends HighLevelError {
  override name = 'HighLevelUnavailableError';
}

/** A success status whose body is not the documented shape; the raw body is kept for the rejects table. */
export class HighLevelResponseShapeError extends HighLevelUnavailableError {
  override name = 'HighLevelResponseShapeError';
  constructor(
    status: number,
    message: string,
    readonly rawBody: string,
  ) {
    super(status, message);
  }
}

function messageOf(body: HighLevelErrorBody | null, fallback: string): string {
  if (!body?.message) return fallback;
  return Array.isArray(body.message) ? body.message.join('; ') : body.message;
}

/** The typed error for a non-success answer (429 is handled by the caller, which waits and retries). */
export function errorForResponse(status: number, body: HighLevelErrorBody | null, rawText: string): HighLevelError {
  const fallback = rawText.slice(0, 300) || `HTTP ${status}`;
  const message = messageOf(body, fallback);
  if (status === 401) return new HighLevelAuthError(status, message);
  if (status === 403) return new HighLevelLocationAccessError(status, message);
  if (status === 422) {
    const problems = Array.isArray(body?.message) ? body.message : [message];
    return new HighLevelValidationError(status, problems);
  }
  if (status === 400 && body?.meta?.contactId) {
    return new HighLevelDuplicateContactError(message, body.meta.contactId, body.meta.matchingField ?? null);
  }
  if (status >= 400 && status < 500) return new HighLevelBadRequestError(status, message);
  return new HighLevelUnavailableError(status, message);
}

/** HighLevel's bodies are JSON when they are anything: an empty or non-JSON body reads as null. */
function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** How HighLevel's answers read and fail, for the HTTP core. */
export const highLevelAnswers: JsonApiSource = {
  name: 'highlevel',
  parseBody: (answer) => parseJson(answer.text),
  errorFor: (answer, body) => errorForResponse(answer.status, errorBodySchema.safeParse(body).data ?? null, answer.text),
  invalidShape: (answer, request, problem) =>
    new HighLevelResponseShapeError(
      answer.status,
      `unexpected HighLevel response to ${request.name}: ${problem.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      answer.text,
    ),
  noAnswer: (request, { cause, status }) => new HighLevelUnavailableError(status ?? 0, `HighLevel did not answer ${request.name}: ${cause.message}`),
  rateLimited: (request, attempts, waitMs) => new HighLevelRateLimitError(`HighLevel answered 429 ${attempts} times for ${request.name}`, waitMs),
};
