import { RequestPacer } from '../cepik/pacer';
import { parseRetryAfter, type RateLimitPolicy } from './rate-limit-policy';

/**
 * A rate-limit policy for sources that publish no rate-limit headers (Socrata, ArcGIS): request starts spaced
 * `1000 / perSecond` ms apart per host, and after a 429 the host is paused for the `Retry-After` the answer named
 * or an exponential backoff from `backoffMs`. One instance per host and worker process (see `pacedPolicyFor`).
 */
export class PacedPolicy implements RateLimitPolicy {
  private readonly pacer: RequestPacer;

  constructor(perSecond: number, private readonly backoffMs: number) {
    this.pacer = new RequestPacer(perSecond);
  }

  async acquire() {
    await this.pacer.acquire();
    return () => undefined;
  }

  retryDelayMs(headers: Headers, attempt: number): number {
    return parseRetryAfter(headers.get('retry-after'), Date.now()) ?? this.backoffMs * 2 ** attempt;
  }

  async wait(ms: number): Promise<void> {
    this.pacer.pause(ms);
    await this.pacer.acquire();
  }
}

const policies = new Map<string, PacedPolicy>();

/** The policy shared by every client of one platform and host in this process. */
export function pacedPolicyFor(platform: string, origin: string, perSecond: number, backoffMs: number): PacedPolicy {
  const key = `${platform}|${origin}|${perSecond}|${backoffMs}`;
  let policy = policies.get(key);
  if (!policy) {
    policy = new PacedPolicy(perSecond, backoffMs);
    policies.set(key, policy);
  }
  return policy;
}
