import type { BrowserProvider } from '../../platform/browser';

/** Proves the browser queue end to end: the worker's Chromium renders a page and reports its version. */
export function createBrowserProbeActivities({ browsers }: { browsers: BrowserProvider }) {
  return {
    async probeBrowser(): Promise<{ browserVersion: string; renderedTitle: string }> {
      const browser = await browsers.browser();
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.setContent('<title>prospector-probe</title><p>ok</p>');
        return { browserVersion: browser.version(), renderedTitle: await page.title() };
      } finally {
        await context.close();
      }
    },
  };
}

export type BrowserProbeActivities = ReturnType<typeof createBrowserProbeActivities>;
