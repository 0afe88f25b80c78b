import type { JsonApiClient } from '../http/json-api-client';
import { AccelaApiError } from './errors';
import { readAccelaJson } from './http';
import { oauthErrorSchema, tokenResponseSchema } from './schemas';

export interface AccelaCredentials {
  appId: string;
  appSecret: string;
  username: string;
  password: string;
  agencyName: string;
  environment: 'PROD' | 'TEST';
  scope: string;
}

export interface TokenSet {
  accessToken: string;
  accessExpiresAtMs: number;
  refreshToken: string | null;
  refreshExpiresAtMs: number;
}

/** Refresh tokens live 8 hours (Accela, since 2024-05-31); the response does not say so. */
const REFRESH_TOKEN_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** Where a worker keeps a county's tokens between activities (memory only: tokens are secrets). */
export type TokenCache = Map<string, TokenSet>;

/** Grants in flight, per cache and key. */
const renewals = new WeakMap<TokenCache, Map<string, Promise<TokenSet>>>();

/**
 * OAuth password grant with refresh-token rotation. Refreshes `marginMs` before expiry; a refresh that
 * fails (expired or revoked refresh token) falls back to a new password grant.
 */
export class AccelaTokenManager {
  constructor(
    private readonly http: JsonApiClient,
    private readonly authUrl: string,
    private readonly credentials: AccelaCredentials,
    private readonly cache: TokenCache,
    private readonly cacheKey: string,
    private readonly marginMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(): Promise<string> {
    const current = this.cache.get(this.cacheKey);
    if (current && current.accessExpiresAtMs - this.marginMs > this.now()) return current.accessToken;
    return (await this.renewOnce(current)).accessToken;
  }

  /** After a 401 `token_expired`/`invalid_token`: drop the access token and get a fresh one. */
  async forceRenew(): Promise<string> {
    return (await this.renewOnce(this.cache.get(this.cacheKey))).accessToken;
  }

  /** Concurrent callers share one grant: a rotated refresh token is good only once. */
  private renewOnce(current: TokenSet | undefined): Promise<TokenSet> {
    const pending = renewals.get(this.cache);
    const existing = pending?.get(this.cacheKey);
    if (existing) return existing;
    const renewal = this.renew(current).finally(() => renewals.get(this.cache)?.delete(this.cacheKey));
    if (!renewals.has(this.cache)) renewals.set(this.cache, new Map());
    renewals.get(this.cache)!.set(this.cacheKey, renewal);
    return renewal;
  }

  private async renew(current: TokenSet | undefined): Promise<TokenSet> {
    if (current?.refreshToken && current.refreshExpiresAtMs - this.marginMs > this.now()) {
      try {
        return await this.grant({ grant_type: 'refresh_token', refresh_token: current.refreshToken });
      } catch (error) {
        if (!(error instanceof AccelaApiError) || error.kind !== 'auth') throw error;
        this.cache.delete(this.cacheKey);
      }
    }
    return this.grant({
      grant_type: 'password',
      username: this.credentials.username,
      password: this.credentials.password,
      scope: this.credentials.scope,
    });
  }

  private async grant(fields: Record<string, string>): Promise<TokenSet> {
    const body = new URLSearchParams({
      client_id: this.credentials.appId,
      client_secret: this.credentials.appSecret,
      agency_name: this.credentials.agencyName,
      environment: this.credentials.environment,
      ...fields,
    });
    // The token endpoint is outside the records API's rate limit: one try, its errors OAuth-shaped.
    const response = await this.http.send({
      method: 'POST',
      url: new URL('/oauth2/token', this.authUrl),
      name: 'POST /oauth2/token',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-accela-appid': this.credentials.appId }),
      body: body.toString(),
    });
    const payload = readAccelaJson(response);
    if (!response.ok) {
      const oauth = oauthErrorSchema.safeParse(payload);
      const code = oauth.success ? oauth.data.error : `http_${response.status}`;
      const message = oauth.success ? (oauth.data.error_description ?? oauth.data.error) : `token endpoint answered ${response.status}`;
      const kind = response.status >= 500 ? 'server' : 'auth';
      throw new AccelaApiError(kind, response.status, code, message);
    }
    const parsed = tokenResponseSchema.safeParse(payload);
    if (!parsed.success) {
      throw new AccelaApiError('invalid_response', response.status, 'invalid_token_response', `token response: ${parsed.error.message}`);
    }
    const now = this.now();
    const tokens: TokenSet = {
      accessToken: parsed.data.access_token,
      accessExpiresAtMs: now + parsed.data.expires_in * 1000,
      refreshToken: parsed.data.refresh_token ?? null,
      refreshExpiresAtMs: now + REFRESH_TOKEN_LIFETIME_MS,
    };
    this.cache.set(this.cacheKey, tokens);
    return tokens;
  }
}
