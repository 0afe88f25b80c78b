import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

export function screenshotDir(dataDir: string): string {
  return path.join(dataDir, 'screenshots', 'autotrader');
}

/** Saves what the browser showed when a scrape failed; returns the file path, or null if the page was gone. */
export async function saveFailureScreenshot(page: Page, dir: string, label: string): Promise<string | null> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${label.replace(/[^\w-]+/g, '_')}.png`);
  try {
    await page.screenshot({ path: file, timeout: 10_000 });
    return file;
  } catch {
    return null;
  }
}

/** Deletes screenshots older than the retention period; returns how many went. */
export async function pruneScreenshots(dir: string, retentionDays: number, now = Date.now()): Promise<number> {
  const files = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of files) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > retentionDays * 86_400_000) {
      await unlink(file).catch(() => undefined);
      removed += 1;
    }
  }
  return removed;
}
