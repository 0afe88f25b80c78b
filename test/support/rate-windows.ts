/**
 * The most sends in any half-open window of `windowMs`, sliding over every send: what a server counting
 * requests per window would have seen at worst. Tests and the fleet benchmark judge rate limits by it.
 */
export function mostInAnyWindow(sendTimesMs: readonly number[], windowMs: number): number {
  const sorted = [...sendTimesMs].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; first < sorted.length; first++) {
    while (last < sorted.length && sorted[last]! < sorted[first]! + windowMs) last++;
    most = Math.max(most, last - first);
  }
  return most;
}
