import type { Database } from '../../platform/database';

/** First key of the advisory locks that count running model scrapes ("ATSR"). */
const LOCK_CLASS = 0x41545352;

export interface ScraperSlot {
  slot: number;
  release(): Promise<void>;
}

/**
 * At most `maxSlots` model scrapes at once across every worker process: each holds one of
 * `maxSlots` session-level PostgreSQL advisory locks on its own connection. A worker that dies
 * drops its connection, so its slot frees itself. Waits (calling `onWait`) until a slot is free.
 */
export async function acquireScraperSlot(
  db: Database,
  maxSlots: number,
  options: { signal: AbortSignal; pollMs?: number; onWait?: () => void },
): Promise<ScraperSlot> {
  const client = await db.connect();
  try {
    for (;;) {
      for (let slot = 0; slot < maxSlots; slot++) {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::int, $2::int) AS locked', [LOCK_CLASS, slot]);
        if (rows[0]?.locked) {
          return {
            slot,
            release: async () => {
              try {
                await client.query('SELECT pg_advisory_unlock($1::int, $2::int)', [LOCK_CLASS, slot]);
              } finally {
                client.release();
              }
            },
          };
        }
      }
      options.onWait?.();
      await new Promise<void>((resolve, reject) => {
        if (options.signal.aborted) return reject(options.signal.reason);
        const timer = setTimeout(resolve, options.pollMs ?? 2_000);
        options.signal.addEventListener('abort', () => (clearTimeout(timer), reject(options.signal.reason)), { once: true });
      });
    }
  } catch (error) {
    client.release();
    throw error;
  }
}
