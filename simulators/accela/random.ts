import { seededUniform } from '../seeded-random';

/** Seeded from text: the same seed gives the same agency data on every run. */
export function seededRandom(seed: string): () => number {
  let state = 0;
  for (const char of seed) state = (Math.imul(state ^ char.charCodeAt(0), 2654435761) + 0x9e3779b9) >>> 0;
  return seededUniform(state);
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const integer = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

/** Fisher–Yates with the given generator. */
export function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
