/**
 * Spaces request starts at least `1000 / perSecond` ms apart. One pacer per CEPiK host is shared by
 * every activity in a worker process, so concurrent brand pulls together stay within the rate.
 */
export class RequestPacer {
  private nextSlot = 0;

  constructor(private readonly perSecond: number) {}

  /** Resolves when the caller may send its request; slots are handed out in call order. */
  async acquire(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  /** Holds back every later request until `ms` from now (the server says the budget is spent). */
  pause(ms: number): void {
    this.nextSlot = Math.max(this.nextSlot, Date.now() + ms);
  }
}

const pacers = new Map<string, RequestPacer>();

export function sharedPacer(origin: string, perSecond: number): RequestPacer {
  const key = `${origin}|${perSecond}`;
  let pacer = pacers.get(key);
  if (!pacer) {
    pacer = new RequestPacer(perSecond);
    pacers.set(key, pacer);
  }
  return pacer;
}
