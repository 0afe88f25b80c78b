import type { Browser } from 'playwright-core';
import { logger } from './logger';

/** Flags for headless system Chromium on a machine without network beyond its own services. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * One browser per worker process, launched on first use and relaunched if it crashed.
 * Activities open a fresh context per run and close it themselves. playwright-core itself is loaded on
 * first use too, so worker processes that serve no browser queue never hold it in memory.
 */
export class BrowserProvider {
  private launching: Promise<Browser> | undefined;

  constructor(private readonly executablePath: string) {}

  async browser(): Promise<Browser> {
    if (this.launching) {
      const existing = await this.launching.catch(() => undefined);
      if (existing?.isConnected()) return existing;
    }
    this.launching = import('playwright-core').then(({ chromium }) =>
      chromium.launch({ executablePath: this.executablePath, headless: true, args: CHROMIUM_ARGS }),
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
