/**
 * Typed failures of a Socrata (SODA 2.x) dataset, from ../shared/reference/socrata.md §4–5. `retryable` tells
 * activities whether Temporal should try again: throttling, 202 "still processing", 5xx and transport failures
 * are; a column the dataset does not have (schema drift), a bad query, an unknown dataset or a refusal are not.
 */
export type SocrataErrorKind =
  | 'throttled' | 'processing' | 'server' | 'timeout' | 'network'
  | 'no_such_column' | 'bad_query' | 'not_found' | 'forbidden' | 'invalid_response';

const RETRYABLE: ReadonlySet<SocrataErrorKind> = new Set(['throttled', 'processing', 'server', 'timeout', 'network']);

export class SocrataError extends Error {
  override name = 'SocrataError';

  constructor(
    readonly kind: SocrataErrorKind,
    readonly httpStatus: number | null,
    /** Socrata's error code (`query.soql.no-such-column`), or `http_<status>`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** The error body: the code is under `errorCode` or `code` depending on the endpoint version; both are read. */
export function socrataErrorFor(status: number, body: unknown): SocrataError {
  const fields = (body && typeof body === 'object' ? body : {}) as { code?: unknown; errorCode?: unknown; message?: unknown };
  const code = typeof fields.errorCode === 'string' ? fields.errorCode : typeof fields.code === 'string' ? fields.code : `http_${status}`;
  const message = `Socrata answered HTTP ${status}${typeof fields.message === 'string' ? `: ${fields.message}` : ''}`;
  if (status === 429) return new SocrataError('throttled', status, code, message);
  if (status === 202) return new SocrataError('processing', status, code, message);
  if (status >= 500) return new SocrataError('server', status, code, message);
  if (code === 'query.soql.no-such-column') return new SocrataError('no_such_column', status, code, message);
  if (status === 404) return new SocrataError('not_found', status, code, message);
  if (status === 401 || status === 403) return new SocrataError('forbidden', status, code, message);
  return new SocrataError('bad_query', status, code, message);
}
