const held = new Map<string, Promise<void>>();

async function acquire(key: string): Promise<() => void> {
  // Woken waiters re-check in turn, so exactly one of them takes the key.
  while (held.has(key)) await held.get(key);
  let release!: () => void;
  held.set(key, new Promise<void>((resolve) => (release = resolve)));
  return () => {
    held.delete(key);
    release();
  };
}

/**
 * Runs `work` while no other lead of this process with one of the same identities (email, phone)
 * is being pushed. Without it, two leads of one person searched at the same moment both miss and
 * both create: HighLevel rejects the second only when the location disallows duplicates. Keys are
 * taken in sorted order, so two leads can never wait on each other.
 */
export async function withIdentityLocks<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const key of [...new Set(keys)].sort()) releases.push(await acquire(key));
    return await work();
  } finally {
    for (const release of releases.reverse()) release();
  }
}
