import type { CrmSyncProgress } from '../domain/crm/sync-progress';
import type { PageCounts } from '../domain/permits/page-counts';
import type { PullCursor } from '../domain/permits/pull-cursor';
import type { DateWindow } from '../domain/registrations/windows';
import type { IncrementalPullInput } from '../workflows/permits/incremental-pull';
import type { PermitSource } from './search-attributes';

/**
 * What the Temporal Web UI says about a run, in words: the one-line static summary of the workflow
 * list, the Markdown static details of the run's page, the current details a long run keeps up to
 * date, the summaries of activities and the notes of schedules. Every starter (API services,
 * schedules, parent workflows, the sandbox) and every workflow builds them here, so one run reads the
 * same wherever it was started. Pure and workflow-safe; only names of places and models, ids, dates,
 * parameters and counts go in: never records, personal data or secrets (the test audit reads them all).
 */

export interface RunMetadata {
  staticSummary: string;
  staticDetails: string;
}

const SEPARATOR = ' · ';

/** `12345` → `12,345` (no Intl: the same text on every worker). */
export function formatCount(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `12 s`, `4 min`, `1 h 20 min`, `2 d 3 h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${formatCount(count)} ${count === 1 ? one : many}`;

/** A Markdown table of parameter rows; rows without a value are left out. */
function table(rows: Array<[string, string | number | boolean | null | undefined]>): string {
  const shown = rows.filter((row): row is [string, string | number | boolean] => row[1] !== undefined && row[1] !== null && row[1] !== '');
  return ['| | |', '|---|---|', ...shown.map(([name, value]) => `| ${name} | ${typeof value === 'number' ? formatCount(value) : String(value)} |`)].join('\n');
}

const apiLine = (method: string, path: string, what: string) => `${what}: \`${method} ${path}\``;

// ─── Building permits (Accela) ────────────────────────────────────────────────────────────────

export interface CountyRef {
  countyId: number;
  /** As stored in `counties.name`; older runs and schedules may not carry it. */
  countyName?: string;
  /** Where the county's permits come from; runs started before it was passed are Accela's. */
  source?: PermitSource;
}

const PLATFORM_NAMES: Record<PermitSource, string> = { accela: 'Accela', socrata: 'Socrata', arcgis: 'ArcGIS' };
const platformName = (input: CountyRef) => PLATFORM_NAMES[input.source ?? 'accela'];

export const countyLabel = ({ countyId, countyName }: CountyRef) => countyName?.trim() || `County ${countyId}`;

const permitJobPath = (jobId: number) => `/api/background-jobs/jobs/${jobId}`;

function permitJobLinks(jobId: number | undefined, countyId: number, source: PermitSource = 'accela'): string[] {
  return [
    ...(jobId !== undefined ? [apiLine('GET', permitJobPath(jobId), 'Job and live progress'), apiLine('POST', `${permitJobPath(jobId)}/cancel`, 'Cancel after the page in flight')] : []),
    apiLine('GET', `/api/background-jobs/counties/${countyId}/jobs`, "The county's jobs"),
    ...(source === 'accela' ? [apiLine('GET', `/api/counties/${countyId}/rate-limit-stats`, 'Accela rate limit: requests, 429s, time spent waiting')] : []),
  ];
}

export function historicalPullMetadata(input: CountyRef & { jobId: number; years: number; windowDays: number; yearConcurrency?: number }): RunMetadata {
  return {
    staticSummary: [countyLabel(input), `${input.years}-year permit pull`, `job ${input.jobId}`].join(SEPARATOR),
    staticDetails: [
      `**Historical permit pull** of ${countyLabel(input)} (county ${input.countyId}) from ${platformName(input)}: one child workflow per year, oldest first; ` +
        'then the weekly incremental schedule is ensured.',
      table([
        ['years back', input.years],
        ['years pulled at once', input.yearConcurrency ?? 1],
        ['date window per request', `${input.windowDays} days`],
        ['job', input.jobId],
      ]),
      ...permitJobLinks(input.jobId, input.countyId, input.source),
    ].join('\n\n'),
  };
}

export function yearPullMetadata(input: CountyRef & { jobId: number; year: number; yearIndex: number; yearsTotal: number }): RunMetadata {
  return {
    staticSummary: [countyLabel(input), `permits of ${input.year}`, `year ${input.yearIndex + 1} of ${input.yearsTotal}`, `job ${input.jobId}`].join(SEPARATOR),
    staticDetails: [
      `**One year of a historical permit pull**: ${countyLabel(input)} (county ${input.countyId}), permits opened in ${input.year}, page by page.`,
      table([['year', String(input.year)], ['position', `${input.yearIndex + 1} of ${input.yearsTotal}`], ['job', input.jobId]]),
      ...permitJobLinks(input.jobId, input.countyId, input.source),
    ].join('\n\n'),
  };
}

export function incrementalPullMetadata(
  input: CountyRef & Pick<IncrementalPullInput, 'jobId' | 'windowDays' | 'dateFrom' | 'dateTo' | 'maxPermits' | 'status' | 'autoSyncToCrm'> & {
    /** Started by the county's weekly schedule (every `intervalDays`). */
    scheduleEveryDays?: number;
  },
): RunMetadata {
  const explicitWindow = input.dateFrom && input.dateTo ? `${input.dateFrom} – ${input.dateTo}` : undefined;
  const kind = input.scheduleEveryDays !== undefined ? 'weekly incremental permit pull' : explicitWindow ? `permit pull ${explicitWindow}` : 'incremental permit pull';
  return {
    staticSummary: [countyLabel(input), kind, ...(input.jobId !== undefined ? [`job ${input.jobId}`] : [])].join(SEPARATOR),
    staticDetails: [
      `**Incremental permit pull** of ${countyLabel(input)} (county ${input.countyId}) from ${platformName(input)}: the window by opened date, then by update date.`,
      table([
        ['window', explicitWindow ?? `the ${input.windowDays ?? 8} days before the scheduled time`],
        ['started by', input.scheduleEveryDays !== undefined ? `the county's schedule, every ${input.scheduleEveryDays} days` : 'the API'],
        ['at most', input.maxPermits ? `${formatCount(input.maxPermits)} permits` : undefined],
        ['status filter', input.status],
        ['CRM sync afterwards', input.autoSyncToCrm ? 'yes' : 'no'],
        ['job', input.jobId ?? 'created by the run (see the county\'s jobs)'],
      ]),
      ...permitJobLinks(input.jobId, input.countyId, input.source),
    ].join('\n\n'),
  };
}

/** The note of a county's weekly schedule: what it runs and for whom. */
export function incrementalScheduleNote(input: CountyRef & { everyDays: number; windowDays: number; autoSyncToCrm: boolean }): string {
  return (
    `Every ${input.everyDays} days: incremental ${platformName(input)} permit pull for ${countyLabel(input)} (county ${input.countyId}), ` +
    `the ${input.windowDays} days before each run, upserting permits, properties and leads` +
    `${input.autoSyncToCrm ? ', then the CRM sync' : ''}. Created when the county's historical pull completed.`
  );
}

const pageSummary = (cursor: PullCursor) =>
  `${cursor.dateField} ${cursor.windowFrom}…${cursor.windowTo}${cursor.offset > 0 ? ` from record ${formatCount(cursor.offset + 1)}` : ''}`;

/** The summary of one page activity: which window of which date field, from which record. */
export function permitPageActivitySummary(input: CountyRef & { year: number | null; page: number; cursor: PullCursor }): string {
  return [countyLabel(input), ...(input.year !== null ? [String(input.year)] : []), `page ${input.page}`, pageSummary(input.cursor)].join(SEPARATOR);
}

export interface PermitPullState {
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'stopping';
  counts: PageCounts;
  pages: number;
  /** When the run (its first execution) started, and now: workflow time, so the text replays identically. */
  startedAtMs: number;
  nowMs: number;
  /** Share done (0–1), when it can be told. */
  fraction?: number;
  /** Historical pulls: years done and in all, and the years in flight. */
  years?: { completed: number; total: number; inFlight: number[] };
  /** The page the run is fetching now (year and incremental pulls). */
  nextPage?: PullCursor | null;
  /** What the page in flight waits for, as its activity reported it. */
  waiting?: { reason: string; untilMs: number } | null;
}

function rateAndEta(state: { startedAtMs: number; nowMs: number; fraction?: number; done: number; unit: string }): Array<[string, string | undefined]> {
  const elapsedMs = state.nowMs - state.startedAtMs;
  const perMinute = elapsedMs >= 1000 ? (state.done / elapsedMs) * 60_000 : undefined;
  const fraction = state.fraction;
  const eta = fraction !== undefined && fraction > 0.001 && fraction < 1 ? formatDuration((elapsedMs / fraction) * (1 - fraction)) : undefined;
  return [
    ['elapsed', formatDuration(elapsedMs)],
    ['rate', perMinute !== undefined ? `${formatCount(perMinute)} ${state.unit}/min` : undefined],
    ['done', fraction !== undefined ? `${Math.floor(fraction * 100)} %` : undefined],
    ['ETA', eta !== undefined ? `about ${eta}` : undefined],
  ];
}

const STATUS_WORDS: Record<PermitPullState['status'], string> = {
  running: 'Running',
  stopping: 'Stopping after the page in flight',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled (the page in flight was saved)',
};

/** The current details of a permit pull (historical, year or incremental): position, counts, rate, ETA, what it does now. */
export function permitPullCurrentDetails(state: PermitPullState): string {
  const position = state.years
    ? `year ${Math.min(state.years.completed + 1, state.years.total)} of ${state.years.total}` +
      (state.years.inFlight.length > 0 ? ` (pulling ${[...state.years.inFlight].sort((a, b) => a - b).join(', ')})` : '')
    : undefined;
  const waitingSeconds = state.waiting ? Math.ceil((state.waiting.untilMs - state.nowMs) / 1000) : 0;
  const now =
    state.status !== 'running'
      ? undefined
      : state.nextPage
        ? `fetching page ${state.pages + 1}: ${pageSummary(state.nextPage)}` +
          (waitingSeconds > 0 ? `, waiting ${waitingSeconds} s for ${state.waiting!.reason}` : '')
        : state.years
          ? 'waiting for the years in flight'
          : undefined;
  return [
    `**${STATUS_WORDS[state.status]}**${position ? ` · ${position}` : ''} · ${plural(state.pages, 'page')}`,
    table([
      ['permits pulled', state.counts.permitsPulled],
      ['permits saved', state.counts.permitsSaved],
      ['properties created / updated', `${formatCount(state.counts.propertiesCreated)} / ${formatCount(state.counts.propertiesUpdated)}`],
      ['leads created', state.counts.leadsCreated],
      ['rejected records', state.counts.rejected],
      ...rateAndEta({ ...state, done: state.counts.permitsPulled, unit: 'permits' }),
    ]),
    ...(now ? [`Now: ${now}.`] : []),
  ].join('\n\n');
}

// ─── Vehicle registrations (CEPiK) ────────────────────────────────────────────────────────────

/** `ŚLĄSKIE` → `Śląskie`, `KUJAWSKO-POMORSKIE` → `Kujawsko-Pomorskie`. */
export const regionLabel = (name: string) => name.toLowerCase().replace(/(^|[-\s])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());

export interface LeaseExpiryRunRef {
  regionCode: string;
  regionName: string;
  brands: readonly string[];
  monthsBack: number;
  windowMonths: number;
  window?: DateWindow;
}

export function leaseExpiryReportMetadata(input: LeaseExpiryRunRef & { workflowId?: string; scheduled?: boolean }): RunMetadata {
  return {
    staticSummary: [regionLabel(input.regionName), 'lease-expiry report', plural(input.brands.length, 'brand')].join(SEPARATOR),
    staticDetails: [
      `**Lease-expiry report** for ${regionLabel(input.regionName)} (voivodeship ${input.regionCode}) from CEPiK open data: ` +
        'first registrations in the window, per brand, counted into a report.',
      table([
        ['brands', input.brands.join(', ')],
        ['window', input.window ? `${input.window.from} – ${input.window.to}` : `${input.windowMonths} months, ${input.monthsBack} months before the run`],
        ['started by', input.scheduled ? 'the daily schedule' : 'the API'],
      ]),
      ...(input.workflowId ? [apiLine('GET', `/api/registrations/jobs/${encodeURIComponent(input.workflowId)}`, 'Job and report')] : []),
    ].join('\n\n'),
  };
}

export function leaseExpiryScheduleNote(input: LeaseExpiryRunRef): string {
  return (
    `Daily: CEPiK lease-expiry report for ${regionLabel(input.regionName)} (voivodeship ${input.regionCode}), ` +
    `${plural(input.brands.length, 'brand')} (${input.brands.join(', ')}), the ${input.windowMonths}-month window ${input.monthsBack} months back.`
  );
}

export function brandPullActivitySummary(input: { brand: string; window: DateWindow }): string {
  return [input.brand, `registrations ${input.window.from}…${input.window.to}`].join(SEPARATOR);
}

export function leaseExpiryCurrentDetails(state: {
  status: 'running' | 'saving' | 'completed' | 'failed';
  brandsTotal: number;
  brandsDone: number;
  brandsInFlight: readonly string[];
  pages: number;
  startedAtMs: number;
  nowMs: number;
}): string {
  const fraction = state.brandsTotal > 0 ? state.brandsDone / state.brandsTotal : undefined;
  const words = { running: 'Running', saving: 'Saving the report', completed: 'Completed', failed: 'Failed' }[state.status];
  return [
    `**${words}** · ${formatCount(state.brandsDone)} of ${plural(state.brandsTotal, 'brand')} done · ${plural(state.pages, 'page')}`,
    table([['brands in flight', state.brandsInFlight.join(', ') || undefined], ...rateAndEta({ ...state, fraction, done: state.pages, unit: 'pages' })]),
  ].join('\n\n');
}

// ─── Used-car listings (AutoTrader) ───────────────────────────────────────────────────────────

export function scrapeModelMetadata(input: { make: string; model: string; maxResults: number | null; batchId?: string }): RunMetadata {
  return {
    staticSummary: [`${input.make} ${input.model}`, 'scrape', ...(input.batchId ? [`batch ${input.batchId}`] : [])].join(SEPARATOR),
    staticDetails: [
      `**AutoTrader scrape** of ${input.make} ${input.model} in a real Chromium: every results page (or up to the limit), ` +
        'then the listings are priced into deals and the deal alerts delivered.',
      table([
        ['listings at most', input.maxResults ?? 'every page (up to 100)'],
        ['started by', input.batchId ? `the daily batch ${input.batchId}` : 'the API'],
      ]),
      apiLine('GET', '/api/scrape/status', 'Running scrapes'),
      apiLine('GET', `/api/scrape/history?make=${encodeURIComponent(input.make)}&model=${encodeURIComponent(input.model)}`, "The model's runs"),
    ].join('\n\n'),
  };
}

export function scrapeBatchMetadata(input: { batchId: string; label: string; models: number; concurrency: number }): RunMetadata {
  return {
    staticSummary: [input.label, 'daily scrape batch', plural(input.models, 'model')].join(SEPARATOR),
    staticDetails: [
      `**Daily AutoTrader scrape batch** \`${input.batchId}\`: one child scrape per model, ${input.concurrency} at a time; a failing model is counted, not fatal.`,
      table([['batch', input.label], ['models', input.models], ['at once', input.concurrency]]),
      apiLine('GET', '/api/scrape/status', 'Running scrapes'),
    ].join('\n\n'),
  };
}

export function scrapeBatchScheduleNote(input: { batchId: string; label: string; models: number; startMinuteUtc: number }): string {
  const time = `${String(Math.floor(input.startMinuteUtc / 60)).padStart(2, '0')}:${String(input.startMinuteUtc % 60).padStart(2, '0')} UTC`;
  return `Daily at ${time}: AutoTrader scrape of ${input.label} (${plural(input.models, 'model')}, batch ${input.batchId}), priced into deals with alerts.`;
}

export function scrapeBatchCurrentDetails(state: {
  running: boolean;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  inFlight: readonly string[];
  startedAtMs: number;
  nowMs: number;
}): string {
  const done = state.succeeded + state.failed + state.skipped;
  return [
    `**${state.running ? 'Running' : 'Finished'}** · ${formatCount(done)} of ${plural(state.total, 'model')} done`,
    table([
      ['succeeded', state.succeeded],
      ['failed', state.failed],
      ['skipped (already running)', state.skipped],
      ['scraping now', state.inFlight.join(', ') || undefined],
      ...rateAndEta({ ...state, fraction: state.total > 0 ? done / state.total : undefined, done, unit: 'models' }),
    ]),
  ].join('\n\n');
}

// ─── CRM sync (HighLevel) ─────────────────────────────────────────────────────────────────────

export function crmSyncMetadata(input: { leadCount: number; trigger: 'api' | 'after an incremental pull' }): RunMetadata {
  const selection = input.leadCount === 0 ? 'every pending lead' : plural(input.leadCount, 'lead');
  return {
    staticSummary: ['HighLevel', 'CRM sync', selection].join(SEPARATOR),
    staticDetails: [
      `**CRM sync** to HighLevel (Summit.AI): ${selection} pushed as contacts, in batches; never duplicated.`,
      table([['selection', selection], ['started by', input.trigger === 'api' ? 'the API' : 'a completed incremental permit pull']]),
      apiLine('GET', '/api/summit/sync-status', 'Sync status'),
    ].join('\n\n'),
  };
}

export function crmBatchActivitySummary(leadCount: number): string {
  return `push ${plural(leadCount, 'lead')} to HighLevel`;
}

export function crmSyncCurrentDetails(state: CrmSyncProgress & { startedAtMs: number; nowMs: number }): string {
  const words = { running: 'Running', completed: 'Completed', failed: 'Failed', not_configured: 'HighLevel is not configured: nothing to do' }[state.status];
  return [
    `**${words}** · ${formatCount(state.processed)} of ${plural(state.total, 'lead')} processed`,
    table([
      ['created', state.created],
      ['updated', state.updated],
      ['skipped', state.skipped],
      ['failed', state.failed],
      ['HighLevel requests', state.requests],
      ...rateAndEta({ ...state, fraction: state.total > 0 ? state.processed / state.total : undefined, done: state.processed, unit: 'leads' }),
    ]),
  ].join('\n\n');
}

// ─── Platform ─────────────────────────────────────────────────────────────────────────────────

export function selfTestMetadata(input: { includeBrowser: boolean }): RunMetadata {
  return {
    staticSummary: ['Platform self-test', input.includeBrowser ? 'PostgreSQL and Chromium' : 'PostgreSQL'].join(SEPARATOR),
    staticDetails: `**Platform self-test**: a round trip through the workers to PostgreSQL${input.includeBrowser ? ' and a real Chromium' : ''} and back.`,
  };
}
