/**
 * Where in its interval each county's incremental schedule fires. Every county's weekly pull would
 * otherwise be due at the same instant (Temporal counts intervals from the epoch), so the whole fleet
 * would hit its sources and the workers at once. The offset is a stable function of the county id
 * (the same on every start-up, so updating a schedule does not move it), spread by the golden ratio:
 * consecutive ids land far apart, and any number of counties covers the interval evenly.
 */
const GOLDEN_RATIO_FRACTION = (Math.sqrt(5) - 1) / 2;

/** The county's offset within `intervalMs`, whole minutes, in [0, intervalMs). */
export function incrementalScheduleOffsetMs(countyId: number, intervalMs: number): number {
  const fraction = (countyId * GOLDEN_RATIO_FRACTION) % 1;
  const minuteMs = 60_000;
  return Math.min(intervalMs - minuteMs, Math.floor((fraction * intervalMs) / minuteMs) * minuteMs);
}
