/**
 * Typed failures of the Accela API, from the v4 envelope `{status, code, message, more, traceId}` or the
 * OAuth-style `{error, error_description}` of the token endpoint. `retryable` tells activities whether
 * Temporal should try again.
 */
export type AccelaErrorKind = 'auth' | 'validation' | 'not_found' | 'rate_limited' | 'server' | 'timeout' | 'network' | 'invalid_response';

export class AccelaApiError extends Error {
  override name = 'AccelaApiError';

  constructor(
    readonly kind: AccelaErrorKind,
    readonly httpStatus: number | null,
    readonly code: string,
    message: string,
    readonly details: { more?: string | null; traceId?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'server' || this.kind === 'timeout' || this.kind === 'network' || this.kind === 'rate_limited';
  }
}

/** Codes of a 401 after which one token refresh is worth trying. */
export const REFRESHABLE_AUTH_CODES = new Set(['token_expired', 'invalid_token']);

export function errorKindForStatus(status: number): AccelaErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'validation';
}
