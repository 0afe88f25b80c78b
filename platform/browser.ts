import type { Browser } from 'playwright-core';
import { logger } from './logger';

/** Flags for headless system Chromium on a machine without network beyond its own services. */
export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Flags measured to cut a scraping browser's memory (bench/listings.bench.ts, `prospector-default-flags`):
 * no SwiftShader software rasteriser (nothing is drawn for a reader), and no site-isolation field trials.
 * Tried and left out: `--no-zygote` (more memory, not less), `--single-process` (crashes on the second
 * context), `--renderer-process-limit=1` (both scrapes of a worker on one renderer thread).
 */
export const CHROMIUM_MEMORY_ARGS = ['--disable-software-rasterizer', '--disable-site-isolation-trials'];

export const CHROMIUM_ARGS = [...CHROMIUM_BASE_ARGS, ...CHROMIUM_MEMORY_ARGS];

/**
 * One browser per worker process, launched on first use and relaunched if it crashed.
 * Activities open a fresh context per run and close it themselves. playwright-core itself is loaded on
 * first use too, so worker processes that serve no browser queue never hold it in memory.
 */
export class BrowserProvider {
  private launching: Promise<Browser> | undefined;

  constructor(
    private readonly executablePath: string,
    private readonly args: readonly string[] = CHROMIUM_ARGS,
  ) {}

  async browser(): Promise<Browser> {
    if (this.launching) {
      const existing = await this.launching.catch(() => undefined);
      if (existing?.isConnected()) return existing;
    }
    this.launching = import('playwright-core').then(({ chromium }) =>
      chromium.launch({ executablePath: this.executablePath, headless: true, args: [...this.args] }),
    );
    const browser = await this.launching;
    browser.on('disconnected', () => logger.warn('Chromium disconnected; the next activity relaunches it'));
    return browser;
  }

  async close(): Promise<void> {
    const browser = await this.launching?.catch(() => undefined);
    this.launching = undefined;
    await browser?.close().catch(() => undefined);
  }
}
