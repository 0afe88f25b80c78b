/**
 * mulberry32: a small seeded generator of floats in [0, 1). Every simulator draws from it, so the same
 * seed gives the same data and the same faults on every run (each simulator derives its seed its own way).
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
