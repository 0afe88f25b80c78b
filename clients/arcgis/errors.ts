/**
 * Typed failures of an ArcGIS feature/map layer (../shared/reference/arcgis.md §5–6). ArcGIS reports most failures
 * as HTTP 200 with an `{"error":{code,message,details}}` body, so the body decides, not the status. Retryable: 5xx
 * codes, 429 and transport failures. Not retryable: a bad query (unknown field in `where`: 400), a token that is
 * invalid or expired (498) or missing (499) — the county's token must be replaced — and a refusal (403).
 */
export type ArcGisErrorKind = 'bad_query' | 'token_invalid' | 'token_required' | 'forbidden' | 'not_found' | 'rate_limited' | 'server' | 'timeout' | 'network' | 'invalid_response';

const RETRYABLE: ReadonlySet<ArcGisErrorKind> = new Set(['rate_limited', 'server', 'timeout', 'network']);

export class ArcGisError extends Error {
  override name = 'ArcGisError';

  constructor(
    readonly kind: ArcGisErrorKind,
    /** The code in the error body (or the HTTP status when there is no body). */
    readonly code: number | null,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(details.length > 0 ? `${message} (${details.join('; ')})` : message);
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export function arcGisErrorFor(code: number, message: string, details: readonly string[] = []): ArcGisError {
  const text = `ArcGIS error ${code}: ${message}`;
  if (code === 498) return new ArcGisError('token_invalid', code, text, details);
  if (code === 499) return new ArcGisError('token_required', code, text, details);
  if (code === 401 || code === 403) return new ArcGisError('forbidden', code, text, details);
  if (code === 404) return new ArcGisError('not_found', code, text, details);
  if (code === 429) return new ArcGisError('rate_limited', code, text, details);
  if (code >= 500) return new ArcGisError('server', code, text, details);
  return new ArcGisError('bad_query', code, text, details);
}
