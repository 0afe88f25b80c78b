/**
 * HighLevel's per-location budgets: `max` requests in any sliding `intervalMs`, and `dailyLimit`
 * per day. It remembers the busiest window it saw, so tests can prove a client stayed under the limit.
 */
export class RateWindow {
  private readonly arrivals: number[] = [];
  private dailyUsed = 0;
  peakInWindow = 0;

  constructor(
    readonly max: number,
    readonly intervalMs: number,
    readonly dailyLimit: number,
  ) {}

  /** Counts a request arriving now; false when it exceeds a budget (the answer is a 429). */
  admit(now: number): boolean {
    while (this.arrivals.length > 0 && this.arrivals[0]! <= now - this.intervalMs) this.arrivals.shift();
    if (this.arrivals.length >= this.max || this.dailyUsed >= this.dailyLimit) return false;
    this.arrivals.push(now);
    this.dailyUsed += 1;
    this.peakInWindow = Math.max(this.peakInWindow, this.arrivals.length);
    return true;
  }

  headers(): Record<string, string> {
    return {
      'X-RateLimit-Limit-Daily': String(this.dailyLimit),
      'X-RateLimit-Daily-Remaining': String(Math.max(0, this.dailyLimit - this.dailyUsed)),
      'X-RateLimit-Interval-Milliseconds': String(this.intervalMs),
      'X-RateLimit-Max': String(this.max),
      'X-RateLimit-Remaining': String(Math.max(0, this.max - this.arrivals.length)),
    };
  }
}
