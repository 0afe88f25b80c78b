import { LocalRateLimits, type RateLimitGate } from '../../platform/shared-rate-limits';
import { parseRetryAfter, type RateLimitPolicy } from './rate-limit-policy';

/**
 * A rate-limit policy for sources that publish no rate-limit headers (Socrata, ArcGIS): request starts spaced
 * `1000 / perSecond` ms apart per platform and host, booked on `gate` (the workers pass the PostgreSQL-shared
 * limits, so the spacing holds across worker processes); after a 429 the host is paused for the `Retry-After`
 * the answer named or an exponential backoff from `backoffMs`.
 */
export class PacedPolicy implements RateLimitPolicy {
  constructor(
    private readonly gate: RateLimitGate,
    private readonly key: string,
    private readonly perSecond: number,
    private readonly backoffMs: number,
  ) {}

  async acquire() {
    await this.gate.acquire(this.key, { perSecond: this.perSecond, burst: 1 });
    return () => undefined;
  }

  retryDelayMs(headers: Headers, attempt: number): number {
    return parseRetryAfter(headers.get('retry-after'), Date.now()) ?? this.backoffMs * 2 ** attempt;
  }

  async wait(ms: number): Promise<void> {
    await this.gate.pause(this.key, ms);
    await this.acquire();
  }
}

// Clients built outside the workers (tests, one-off tools) share this process's buckets.
const inProcessLimits = new LocalRateLimits();

/** The policy of one platform and host: `<platform>:host:<host>` on the given gate. */
export function pacedPolicyFor(platform: string, origin: string, perSecond: number, backoffMs: number, gate: RateLimitGate = inProcessLimits): PacedPolicy {
  return new PacedPolicy(gate, `${platform}:host:${new URL(origin).host}`, perSecond, backoffMs);
}
