import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Page } from 'playwright-core';
import { BLOCKED_RESOURCE_TYPES, CARDS_OR_NO_RESULTS, loadResultsPage, prepareContext, RESULTS_MARKUP } from '../activities/listings/results-page';
import { parseSearchResults } from '../clients/autotrader/card-parser';
import type { ParsedResultsPage, ScrapedListing } from '../clients/autotrader/listing';
import { buildSearchUrl, type SearchCriteria } from '../clients/autotrader/search-url';
import { loadSettings } from '../config/settings';
import { BrowserProvider, CHROMIUM_ARGS, CHROMIUM_BASE_ARGS } from '../platform/browser';
import { startAutotraderSimulator } from '../simulators/autotrader/server';
import { reportBenchmark } from './results-file';
import type { SummaryRow } from './summary-table';

/**
 * 100 result pages (one model at the 100-page cap) from the simulator, no politeness delay, two
 * pages at a time, in the same Chromium: Prospector's page loader (as the scrape activity runs it:
 * one context and tab per lane, the gateway answer read, the card markup as fallback) against
 * Crawlee's PlaywrightCrawler (installed on demand into .tools/crawlee, never a project dependency)
 * reading the rendered cards with the same wait and parser. Variants of Prospector each undo one idea
 * (the gateway read, the reused context, the memory flags, the resource blocking) so each idea's
 * share is measured. Each engine runs in its own child process so its peak memory (node + Chromium
 * processes) is its own. Every listing is checked against the simulator's ground truth.
 * `LISTINGS_BENCH_PAGES` runs fewer pages while developing.
 */
const ROOT = path.resolve(__dirname, '..');
const CRAWLEE_DIR = path.join(ROOT, '.tools', 'crawlee');
const PAGES = Number(process.env.LISTINGS_BENCH_PAGES ?? 100);
const CONCURRENCY = 2;
const CRITERIA: SearchCriteria = { make: 'Ford', model: 'Focus', postcode: 'SW1A 1AA', radiusMiles: 25, fuelType: 'Petrol', transmission: 'Manual', yearFrom: 2018 };
const SIMULATOR = { inventory: { size: 8_000 }, latencyMs: 30, renderDelayMs: 150 };

/** Prospector as shipped, and each variant with one idea undone. */
const PROSPECTOR_VARIANTS = {
  prospector: { reader: 'gateway', contextPerPage: false, memoryFlags: true, blocking: true },
  'prospector-cards-read': { reader: 'cards', contextPerPage: false, memoryFlags: true, blocking: true },
  'prospector-context-per-page': { reader: 'gateway', contextPerPage: true, memoryFlags: true, blocking: true },
  'prospector-default-flags': { reader: 'gateway', contextPerPage: false, memoryFlags: false, blocking: true },
  'prospector-nothing-blocked': { reader: 'gateway', contextPerPage: false, memoryFlags: true, blocking: false },
} as const;
type ProspectorVariant = keyof typeof PROSPECTOR_VARIANTS;
type Engine = ProspectorVariant | 'crawlee';
interface EngineRun {
  engine: Engine;
  seconds: number;
  pages: number;
  listings: Array<Pick<ScrapedListing, 'advertId' | 'price' | 'mileage' | 'year' | 'subtitle'>>;
}

async function main() {
  const engineArg = process.argv.indexOf('--engine');
  if (engineArg > 0) return runEngine(process.argv[engineArg + 1] as Engine, process.argv[process.argv.indexOf('--url') + 1]!);

  const simulator = await startAutotraderSimulator(SIMULATOR);
  try {
    const truth = simulator.organicResults(CRITERIA).slice(0, PAGES * 20);
    if (truth.length < PAGES * 20) throw new Error(`simulated model too small: ${truth.length} listings`);
    const figures: Record<string, unknown> = {
      pages: PAGES,
      concurrency: CONCURRENCY,
      politeness_delay_s: 0,
      simulator: { ...SIMULATOR, organic_listings_reachable: truth.length },
      chromium: loadSettings().CHROMIUM_PATH,
    };
    const runs: Partial<Record<Engine, Awaited<ReturnType<typeof measure>>>> = {};
    for (const variant of Object.keys(PROSPECTOR_VARIANTS) as ProspectorVariant[]) {
      figures[variant] = runs[variant] = await measure(variant, simulator.url, truth);
    }
    const crawleeReady = installCrawlee();
    figures.crawlee = crawleeReady === true ? (runs.crawlee = await measure('crawlee', simulator.url, truth)) : { skipped: crawleeReady };
    reportBenchmark('listings', figures, summaryRows(runs));
  } finally {
    await simulator.close();
  }
}

/** Runs one engine in a child process, sampling the RSS of it and its Chromium processes. */
async function measure(engine: Engine, url: string, truth: ReturnType<Awaited<ReturnType<typeof startAutotraderSimulator>>['organicResults']>) {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--engine', engine, '--url', url], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CRAWLEE_STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'crawlee-bench-')), CRAWLEE_LOG_LEVEL: 'WARNING' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeMemory(child.pid!))), 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${engine} run exited with ${code}`);
  const run = JSON.parse(output.trim().split('\n').at(-1)!) as EngineRun;
  const expected = new Map(truth.map((car) => [car.advertId, car]));
  const seen = new Set<string>();
  let wrong = 0;
  for (const listing of run.listings) {
    const car = expected.get(listing.advertId);
    if (!car || seen.has(listing.advertId) || car.price !== listing.price || car.mileage !== listing.mileage || car.year !== listing.year || car.subtitle !== listing.subtitle) wrong += 1;
    seen.add(listing.advertId);
  }
  const missing = [...expected.keys()].filter((id) => !seen.has(id)).length;
  return {
    seconds: round(run.seconds),
    pages_per_s: round(run.pages / run.seconds),
    listings_per_s: round(run.listings.length / run.seconds),
    listings: run.listings.length,
    listings_wrong_or_duplicated: wrong,
    listings_missing: missing,
    all_listings_correct: wrong === 0 && missing === 0,
    peak_memory_pss_mb: Math.round(peak / 1024 / 1024),
  };
}

/** Pages/s and peak memory of Prospector against Crawlee's (target 1.5× and no more memory), and each variant's pages/s. */
function summaryRows(runs: Partial<Record<Engine, Awaited<ReturnType<typeof measure>>>>): SummaryRow[] {
  const crawlee = runs.crawlee;
  const prospector = runs.prospector!;
  const rows: SummaryRow[] = [
    {
      figure: `scrape pages/s (${PAGES} pages, ${CONCURRENCY} at once)`,
      value: prospector.pages_per_s,
      unit: 'pages/s',
      ...(crawlee ? { target: { op: '>=', value: round(1.5 * crawlee.pages_per_s) }, reference: { name: 'Crawlee', value: crawlee.pages_per_s } } : {}),
    },
    {
      figure: 'scrape peak memory (PSS, node + Chromium)',
      value: prospector.peak_memory_pss_mb,
      unit: 'MB',
      ...(crawlee ? { target: { op: '<=', value: crawlee.peak_memory_pss_mb }, reference: { name: 'Crawlee', value: crawlee.peak_memory_pss_mb } } : {}),
    },
  ];
  for (const variant of Object.keys(PROSPECTOR_VARIANTS) as ProspectorVariant[]) {
    const run = runs[variant];
    if (variant === 'prospector' || !run) continue;
    rows.push({ figure: `variant ${variant}: pages/s`, value: run.pages_per_s, unit: 'pages/s', reference: { name: 'Prospector', value: prospector.pages_per_s } });
    rows.push({ figure: `variant ${variant}: peak PSS`, value: run.peak_memory_pss_mb, unit: 'MB', reference: { name: 'Prospector', value: prospector.peak_memory_pss_mb } });
  }
  return rows;
}

/** What a DOM scraper does: wait for the rendered cards, read the markup back, parse it. */
async function readRenderedCards(page: Page, baseUrl: string): Promise<ParsedResultsPage> {
  await page.waitForFunction(CARDS_OR_NO_RESULTS, undefined, { timeout: 30_000, polling: 50 });
  return parseSearchResults(await page.evaluate<string>(RESULTS_MARKUP), { baseUrl });
}

async function runEngine(engine: Engine, baseUrl: string) {
  const urls = Array.from({ length: PAGES }, (_, i) => buildSearchUrl(baseUrl, CRITERIA, i + 1));
  const listings = new Map<string, EngineRun['listings'][number]>();
  const collect = (parsed: ParsedResultsPage) => {
    for (const l of parsed.listings) {
      listings.set(l.advertId, { advertId: l.advertId, price: l.price, mileage: l.mileage, year: l.year, subtitle: l.subtitle });
    }
  };
  const started = performance.now();
  if (engine !== 'crawlee') {
    const variant = PROSPECTOR_VARIANTS[engine];
    const browsers = new BrowserProvider(loadSettings().CHROMIUM_PATH, variant.memoryFlags ? CHROMIUM_ARGS : CHROMIUM_BASE_ARGS);
    const browser = await browsers.browser();
    const openTab = async () => {
      const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
      await prepareContext(context, baseUrl, true);
      if (!variant.blocking) await context.unrouteAll();
      return { context, page: await context.newPage() };
    };
    const read = async (page: Page, url: string) => {
      if (variant.reader === 'gateway') return loadResultsPage(page, url, { timeoutMs: 30_000, baseUrl });
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
      return readRenderedCards(page, baseUrl);
    };
    const queue = [...urls];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        let tab = await openTab();
        for (let url = queue.shift(); url; url = queue.shift()) {
          if (variant.contextPerPage) {
            await tab.context.close();
            tab = await openTab();
          }
          collect(await read(tab.page, url));
        }
        await tab.context.close();
      }),
    );
    await browsers.close();
  } else {
    const crawlee = createRequire(path.join(CRAWLEE_DIR, 'node_modules', 'crawlee', 'package.json'))('crawlee');
    const crawler = new crawlee.PlaywrightCrawler(
      {
        minConcurrency: CONCURRENCY,
        maxConcurrency: CONCURRENCY,
        maxRequestRetries: 0,
        launchContext: { launchOptions: { executablePath: loadSettings().CHROMIUM_PATH, headless: true, args: CHROMIUM_BASE_ARGS } },
        browserPoolOptions: { useFingerprints: false },
        preNavigationHooks: [
          async ({ page }: { page: Page }, gotoOptions: { waitUntil?: string }) => {
            gotoOptions.waitUntil = 'domcontentloaded';
            await page.route('**/*', (route) => (BLOCKED_RESOURCE_TYPES.has(route.request().resourceType()) ? route.abort() : route.fallback()));
          },
        ],
        requestHandler: async ({ page }: { page: Page }) => collect(await readRenderedCards(page, baseUrl)),
      },
      new crawlee.Configuration({ persistStorage: false }),
    );
    await crawler.run(urls);
  }
  const run: EngineRun = { engine, seconds: (performance.now() - started) / 1000, pages: PAGES, listings: [...listings.values()] };
  console.log(JSON.stringify(run));
  process.exit(0);
}

/** true when Crawlee can be loaded, else the reason it could not be installed. */
function installCrawlee(): true | string {
  const marker = path.join(CRAWLEE_DIR, 'node_modules', 'crawlee', 'package.json');
  if (!existsSync(marker)) {
    console.log(`installing Crawlee for the comparison into ${CRAWLEE_DIR} (benchmark only, not a project dependency)…`);
    const result = spawnSync('npm', ['install', '--prefix', CRAWLEE_DIR, 'crawlee@3', 'playwright', '--no-save', '--no-audit', '--no-fund'], {
      stdio: 'inherit',
      timeout: 600_000,
    });
    if (result.status !== 0 || !existsSync(marker)) {
      const reason = `Crawlee could not be installed (npm exit ${result.status ?? result.error?.message}); comparison skipped`;
      console.warn(reason);
      return reason;
    }
  }
  return true;
}

/**
 * Memory of a process and all its descendants (Linux /proc): proportional set size, so pages the
 * Chromium processes share are counted once rather than once per process.
 */
function treeMemory(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      total += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

const round = (value: number) => Math.round(value * 100) / 100;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
