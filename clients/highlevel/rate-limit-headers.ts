import { parseRetryAfter } from '../http/rate-limit-policy';

/** HighLevel's rate-limit headers, read from any response (names are case-insensitive). */
export interface RateLimitHeaders {
  max: number | null;
  remaining: number | null;
  intervalMs: number | null;
  dailyLimit: number | null;
  dailyRemaining: number | null;
  /** `Retry-After` in milliseconds; HighLevel does not document it, so it is honoured only when present. */
  retryAfterMs: number | null;
}

function numberHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

export function readRateLimitHeaders(headers: Headers): RateLimitHeaders {
  return {
    max: numberHeader(headers, 'x-ratelimit-max'),
    remaining: numberHeader(headers, 'x-ratelimit-remaining'),
    intervalMs: numberHeader(headers, 'x-ratelimit-interval-milliseconds'),
    dailyLimit: numberHeader(headers, 'x-ratelimit-limit-daily'),
    dailyRemaining: numberHeader(headers, 'x-ratelimit-daily-remaining'),
    retryAfterMs: parseRetryAfter(headers.get('retry-after'), Date.now()),
  };
}
