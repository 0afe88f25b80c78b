import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCounts } from '../../domain/permits/page-counts';
import { firstCursor } from '../../domain/permits/pull-cursor';
import {
  brandPullActivitySummary, crmSyncCurrentDetails, crmSyncMetadata, formatCount, formatDuration, historicalPullMetadata, incrementalPullMetadata,
  incrementalScheduleNote, leaseExpiryCurrentDetails, leaseExpiryReportMetadata, leaseExpiryScheduleNote, permitPageActivitySummary,
  permitPullCurrentDetails, regionLabel, scrapeBatchCurrentDetails, scrapeBatchMetadata, scrapeBatchScheduleNote, scrapeModelMetadata, selfTestMetadata,
  yearPullMetadata,
} from '../../temporal/run-summaries';

const MINUTE = 60_000;

describe('Web UI texts of runs (temporal/run-summaries.ts)', () => {
  it('formats counts and durations the same on every worker', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(999.6), '1,000');
    assert.equal(formatDuration(12_400), '12 s');
    assert.equal(formatDuration(4 * MINUTE), '4 min');
    assert.equal(formatDuration(80 * MINUTE), '1 h 20 min');
    assert.equal(formatDuration(51 * 60 * MINUTE), '2 d 3 h');
    assert.equal(formatDuration(-5), '0 s');
  });

  it('summarises a historical pull in one line and details its parameters and job URL in Markdown', () => {
    const metadata = historicalPullMetadata({ countyId: 7, countyName: 'Pinellas County', jobId: 12, years: 30, windowDays: 183, yearConcurrency: 2 });
    assert.equal(metadata.staticSummary, 'Pinellas County · 30-year permit pull · job 12');
    assert.doesNotMatch(metadata.staticSummary, /\n/);
    assert.match(metadata.staticDetails, /\| years back \| 30 \|/);
    assert.match(metadata.staticDetails, /\| years pulled at once \| 2 \|/);
    assert.match(metadata.staticDetails, /`GET \/api\/background-jobs\/jobs\/12`/);
    assert.match(metadata.staticDetails, /`POST \/api\/background-jobs\/jobs\/12\/cancel`/);
  });

  it('names a county by its id when the run carries no name (runs started before names were passed)', () => {
    assert.equal(yearPullMetadata({ countyId: 3, jobId: 5, year: 2019, yearIndex: 7, yearsTotal: 30 }).staticSummary, 'County 3 · permits of 2019 · year 8 of 30 · job 5');
  });

  it('tells a scheduled incremental pull from an API one and an explicit window', () => {
    assert.equal(
      incrementalPullMetadata({ countyId: 7, countyName: 'Pinellas County', windowDays: 8, scheduleEveryDays: 7 }).staticSummary,
      'Pinellas County · weekly incremental permit pull',
    );
    const adHoc = incrementalPullMetadata({ countyId: 7, countyName: 'Pinellas County', jobId: 40, dateFrom: '2026-01-01', dateTo: '2026-01-31', maxPermits: 500 });
    assert.equal(adHoc.staticSummary, 'Pinellas County · permit pull 2026-01-01 – 2026-01-31 · job 40');
    assert.match(adHoc.staticDetails, /\| at most \| 500 permits \|/);
    assert.doesNotMatch(adHoc.staticDetails, /status filter/, 'parameters not given are left out');
  });

  it('keeps a permit pull’s current details: position, counts, rate, ETA and the page in flight', () => {
    const cursor = { ...firstCursor({ from: '2019-01-01', to: '2019-12-31' }, ['opened'], 183)!, offset: 200 };
    const details = permitPullCurrentDetails({
      status: 'running',
      counts: { ...emptyCounts(), permitsPulled: 3000, permitsSaved: 2990, propertiesCreated: 1200, leadsCreated: 300, rejected: 10 },
      pages: 42,
      startedAtMs: 0,
      nowMs: 10 * MINUTE,
      fraction: 0.25,
      nextPage: cursor,
    });
    assert.match(details, /^\*\*Running\*\* · 42 pages/);
    assert.match(details, /\| permits pulled \| 3,000 \|/);
    assert.match(details, /\| rate \| 300 permits\/min \|/);
    assert.match(details, /\| done \| 25 % \|/);
    assert.match(details, /\| ETA \| about 30 min \|/, 'a quarter done in 10 min: 30 min to go');
    assert.match(details, /Now: fetching page 43: opened 2019-01-01…2019-07-02 from record 201/);
    const waiting = permitPullCurrentDetails({
      status: 'running', counts: emptyCounts(), pages: 42, startedAtMs: 0, nowMs: 10 * MINUTE, nextPage: cursor,
      waiting: { reason: 'the Accela rate-limit window', untilMs: 10 * MINUTE + 11_200 },
    });
    assert.match(waiting, /Now: fetching page 43: .*, waiting 12 s for the Accela rate-limit window\./);
    const waitOver = permitPullCurrentDetails({
      status: 'running', counts: emptyCounts(), pages: 42, startedAtMs: 0, nowMs: 10 * MINUTE, nextPage: cursor,
      waiting: { reason: 'the Accela rate-limit window', untilMs: 10 * MINUTE - 1 },
    });
    assert.doesNotMatch(waitOver, /waiting/);
  });

  it('shows a historical pull’s years in flight and drops rate and ETA when they cannot be told', () => {
    const details = permitPullCurrentDetails({
      status: 'running', counts: emptyCounts(), pages: 0, startedAtMs: 0, nowMs: 500, fraction: 0, years: { completed: 3, total: 30, inFlight: [2000, 1999] },
    });
    assert.match(details, /year 4 of 30 \(pulling 1999, 2000\)/);
    assert.doesNotMatch(details, /rate|ETA/);
    assert.match(details, /Now: waiting for the years in flight\./);
    const stopping = permitPullCurrentDetails({ status: 'stopping', counts: emptyCounts(), pages: 3, startedAtMs: 0, nowMs: MINUTE });
    assert.match(stopping, /^\*\*Stopping after the page in flight\*\*/);
    assert.doesNotMatch(stopping, /Now:/);
  });

  it('summarises a page activity by county, year, page and window', () => {
    const cursor = firstCursor({ from: '2026-01-01', to: '2026-01-08' }, ['updated'], 8)!;
    assert.equal(permitPageActivitySummary({ countyId: 1, countyName: 'Hillsborough County', year: null, page: 1, cursor }), 'Hillsborough County · page 1 · updated 2026-01-01…2026-01-08');
  });

  it('says what a county’s weekly schedule runs and for whom', () => {
    const note = incrementalScheduleNote({ countyId: 7, countyName: 'Pinellas County', everyDays: 7, windowDays: 8, autoSyncToCrm: true });
    assert.match(note, /^Every 7 days: incremental Accela permit pull for Pinellas County \(county 7\), the 8 days before each run/);
    assert.match(note, /then the CRM sync/);
  });

  it('summarises a lease-expiry report by region and brands', () => {
    assert.equal(regionLabel('ŚLĄSKIE'), 'Śląskie');
    assert.equal(regionLabel('KUJAWSKO-POMORSKIE'), 'Kujawsko-Pomorskie');
    const run = { regionCode: '24', regionName: 'ŚLĄSKIE', brands: ['BMW', 'AUDI', 'FORD', 'KIA', 'SKODA'], monthsBack: 36, windowMonths: 2 };
    const metadata = leaseExpiryReportMetadata({ ...run, window: { from: '2023-01-01', to: '2023-02-28' }, workflowId: 'cepik-lease-expiry:24:2023-01-01:2023-02-28:audi' });
    assert.equal(metadata.staticSummary, 'Śląskie · lease-expiry report · 5 brands');
    assert.match(metadata.staticDetails, /`GET \/api\/registrations\/jobs\/cepik-lease-expiry%3A24%3A2023-01-01%3A2023-02-28%3Aaudi`/);
    assert.match(leaseExpiryScheduleNote(run), /^Daily: CEPiK lease-expiry report for Śląskie \(voivodeship 24\), 5 brands \(BMW, AUDI/);
    assert.equal(brandPullActivitySummary({ brand: 'BMW', window: { from: '2023-01-01', to: '2023-02-28' } }), 'BMW · registrations 2023-01-01…2023-02-28');
    const details = leaseExpiryCurrentDetails({ status: 'running', brandsTotal: 5, brandsDone: 2, brandsInFlight: ['KIA'], pages: 40, startedAtMs: 0, nowMs: 2 * MINUTE });
    assert.match(details, /^\*\*Running\*\* · 2 of 5 brands done · 40 pages/);
    assert.match(details, /\| ETA \| about 3 min \|/);
  });

  it('summarises scrapes and their daily batches', () => {
    assert.equal(scrapeModelMetadata({ make: 'Ford', model: 'Fiesta', maxResults: null }).staticSummary, 'Ford Fiesta · scrape');
    assert.equal(scrapeModelMetadata({ make: 'Ford', model: 'Fiesta', maxResults: 50, batchId: 'brand-ford' }).staticSummary, 'Ford Fiesta · scrape · batch brand-ford');
    assert.equal(scrapeBatchMetadata({ batchId: 'brand-kia', label: 'Kia', models: 9, concurrency: 2 }).staticSummary, 'Kia · daily scrape batch · 9 models');
    assert.equal(
      scrapeBatchScheduleNote({ batchId: 'brand-kia', label: 'Kia', models: 9, startMinuteUtc: 125 }),
      'Daily at 02:05 UTC: AutoTrader scrape of Kia (9 models, batch brand-kia), priced into deals with alerts.',
    );
    const details = scrapeBatchCurrentDetails({ running: true, total: 4, succeeded: 1, failed: 1, skipped: 0, inFlight: ['Kia Ceed'], startedAtMs: 0, nowMs: MINUTE });
    assert.match(details, /2 of 4 models done/);
    assert.match(details, /\| scraping now \| Kia Ceed \|/);
  });

  it('summarises a CRM sync and its progress', () => {
    assert.equal(crmSyncMetadata({ leadCount: 0, trigger: 'after an incremental pull' }).staticSummary, 'HighLevel · CRM sync · every pending lead');
    assert.equal(crmSyncMetadata({ leadCount: 1, trigger: 'api' }).staticSummary, 'HighLevel · CRM sync · 1 lead');
    const details = crmSyncCurrentDetails({
      status: 'running', total: 100, processed: 50, created: 40, updated: 5, skipped: 5, failed: 0, requests: 90, startedAtMs: 0, nowMs: MINUTE,
    });
    assert.match(details, /50 of 100 leads processed/);
    assert.match(details, /\| ETA \| about 1 min \|/);
    assert.match(selfTestMetadata({ includeBrowser: true }).staticSummary, /Chromium/);
  });
});
