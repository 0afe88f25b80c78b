import { seededUniform } from './seeded-random';

/**
 * Passing faults drawn at random from a seed, shared by the simulators so a chaos run can be repeated
 * exactly: a 5xx, a 429 naming a short wait, or a hang longer than the client's timeout (the request
 * is then carried out late, so a client that gave up never learns whether a write was done).
 */
export interface RandomFaultRates {
  /** Share of requests answered with a 5xx (500, 502 or 503 in turn). */
  serverError?: number;
  /** Share of requests answered 429 with a short Retry-After. */
  rateLimited?: number;
  /** Share of requests held for `timeoutMs` before they are handled. */
  timeout?: number;
}

export interface RandomFaultOptions {
  rates: RandomFaultRates;
  /** Seeds the draws (default 1). */
  seed?: number;
  /** How long a "timeout" holds the request; set it above the client's request timeout. */
  timeoutMs?: number;
}

export type RandomFault = { kind: 'server-error'; status: 500 | 502 | 503 } | { kind: 'rate-limited'; retryAfterSeconds: number } | { kind: 'timeout'; holdMs: number };

export type RandomFaultCounts = Record<RandomFault['kind'], number>;

const SERVER_ERRORS = [500, 502, 503] as const;

export class RandomFaults {
  readonly counts: RandomFaultCounts = { 'server-error': 0, 'rate-limited': 0, timeout: 0 };
  private readonly draw: () => number;
  private rates: RandomFaultRates;
  private readonly timeoutMs: number;

  constructor(options: RandomFaultOptions | undefined) {
    this.rates = options?.rates ?? {};
    this.draw = seededUniform(options?.seed ?? 1);
    this.timeoutMs = options?.timeoutMs ?? 60_000;
  }

  /** Random faults from now on (`{}` for none). */
  setRates(rates: RandomFaultRates): void {
    this.rates = rates;
  }

  /** The fault for the next request, if one is drawn. */
  next(): RandomFault | undefined {
    const { serverError = 0, rateLimited = 0, timeout = 0 } = this.rates;
    if (serverError + rateLimited + timeout <= 0) return undefined;
    const draw = this.draw();
    let fault: RandomFault | undefined;
    if (draw < serverError) fault = { kind: 'server-error', status: SERVER_ERRORS[this.counts['server-error'] % SERVER_ERRORS.length]! };
    else if (draw < serverError + rateLimited) fault = { kind: 'rate-limited', retryAfterSeconds: 1 };
    else if (draw < serverError + rateLimited + timeout) fault = { kind: 'timeout', holdMs: this.timeoutMs };
    if (fault) this.counts[fault.kind] += 1;
    return fault;
  }
}
