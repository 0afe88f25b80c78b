/**
 * Bounded concurrency inside a workflow: plain promises, no timers or I/O, so it replays
 * deterministically. Items are taken in order (one take at a time, so a take may call an activity
 * that reads a cursor); `shouldStop` is checked before each take. A failure stops new takes, waits
 * for the work in flight, then is thrown. Returns whether it stopped early (`shouldStop` said so).
 */
export async function drainBounded<T>(
  take: () => Promise<T | undefined> | T | undefined,
  limit: number,
  work: (item: T) => Promise<void>,
  options: { shouldStop?: () => boolean } = {},
): Promise<{ stopped: boolean }> {
  let failure: { error: unknown } | null = null;
  let exhausted = false;
  let stopped = false;
  let taking: Promise<unknown> = Promise.resolve();
  const takeInTurn = (): Promise<T | undefined> => {
    const taken = taking.then(() => (exhausted || stopped || failure !== null ? undefined : take()));
    taking = taken.catch(() => undefined);
    return taken;
  };
  const lane = async () => {
    while (failure === null && !exhausted && !stopped) {
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
      try {
        const item = await takeInTurn();
        if (item === undefined) {
          exhausted = true;
          break;
        }
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  return { stopped };
}

/** `drainBounded` over a list known up front: at most `limit` items in flight, started in order. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
  options: { shouldStop?: () => boolean } = {},
): Promise<{ stopped: boolean }> {
  let next = 0;
  return drainBounded(
    () => (next < items.length ? next++ : undefined),
    Math.min(limit, Math.max(1, items.length)),
    (index) => work(items[index]!, index),
    options,
  );
}
