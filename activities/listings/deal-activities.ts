import { log } from '@temporalio/activity';
import { afterTransientFailure } from '../../domain/listings/alert-delivery';
import type { PricedCar } from '../../domain/listings/car-features';
import { raisesAlert } from '../../domain/listings/deal-rating';
import { medianShift, priceDrop, scrapeShortfall } from '../../domain/listings/market-alerts';
import { summariseMarket } from '../../domain/listings/market-summary';
import { valueModel } from '../../domain/listings/valuation';
import { withTransaction } from '../../platform/database';
import { claimNextPendingAlert, countPendingAlerts, recordDeliveryOutcome } from '../../stores/listings/alert-outbox';
import {
  latestPriceChanges,
  listingsOfModel,
  type NewAlert,
  raiseAlerts,
  type RatedDeal,
  recentRunListingCounts,
  recordDailyMedian,
  replaceModelDeals,
  storeMarketSummary,
} from '../../stores/listings/deal-store';
import { recordDealsAnalysed } from '../../stores/listings/scrape-runs';
import type { ActivityDependencies } from '../dependencies';
import { AlertWebhookUnavailableError, postDealAlert, WEBHOOK_TIMEOUT_MS } from './alert-webhook';

/** Listings not seen for this long are treated as sold and leave the comparison sample. */
const MARKET_WINDOW_DAYS = 30;
/** A scrape's listing count is judged against the model's last this many successful runs. */
const USUAL_RUNS = 7;
/** A claimed alert is another deliverer's again after this long: well past one POST's timeout. */
const CLAIM_LEASE_SECONDS = (WEBHOOK_TIMEOUT_MS / 1000) * 6;
/** Alerts one delivery attempt POSTs at most (at most ~4 minutes at the timeout); the rest wait for the next delivery. */
const MAX_ALERTS_PER_DELIVERY = 25;

export interface DealAnalysis {
  listingsValued: number;
  dealsRated: number;
  insufficientSample: number;
  alertsRaised: number;
}

export interface AlertDelivery {
  sent: number;
  failed: number;
  /** Still pending after this delivery (none are sent while no webhook URL is set). */
  pending: number;
}

export function createDealActivities({ db, settings }: Pick<ActivityDependencies, 'db' | 'settings'>) {
  return {
    /**
     * Prices one model's current listings against each other and stores the deals, the market summary,
     * the alerts and the run's count in one transaction: a retried attempt finds all of it or none.
     * Calls nothing outside PostgreSQL; the alerts wait in the outbox for `deliverDealAlerts`.
     */
    async analyseModelDeals(input: { runId: number | null; make: string; model: string }): Promise<DealAnalysis> {
      const { make, model } = input;
      return withTransaction(db, async (tx) => {
        const listings = await listingsOfModel(tx, make, model, MARKET_WINDOW_DAYS);
        const now = new Date();
        const cars = listings.filter((car): car is typeof car & PricedCar => car.year !== null && car.mileage !== null);
        const valuations = valueModel(cars, now);
        const rated: RatedDeal[] = cars.flatMap((car) => {
          const { status, ...valuation } = valuations.get(car.id)!;
          return status === 'rated' ? [{ advertId: car.id, price: car.price, ...(valuation as Omit<RatedDeal, 'advertId' | 'price'>) }] : [];
        });
        await replaceModelDeals(tx, make, model, rated);
        const current = summariseMarket(listings, [], now);
        const daily = await recordDailyMedian(tx, make, model, current.sampleSize, current.medianPrice);
        await storeMarketSummary(tx, make, model, summariseMarket(listings, daily, now));

        const alerts: NewAlert[] = [];
        const base = { make, model, advertId: null, price: null, previousPrice: null, estimatedValue: null, conservativeValue: null, margin: null, details: null };
        for (const deal of rated.filter((d) => raisesAlert(d.margin, settings.DEAL_ALERT_MIN_MARGIN))) {
          alerts.push({ ...base, kind: 'deal', key: `${deal.advertId}:${deal.price}`, advertId: deal.advertId, price: deal.price,
            estimatedValue: deal.estimatedValue, conservativeValue: deal.conservativeValue, margin: deal.margin,
            details: { confidence_level: deal.confidenceLevel, confidence: deal.confidence } });
        }
        const byAdvert = new Map(rated.map((deal) => [deal.advertId, deal]));
        const thresholds = { minShare: settings.PRICE_DROP_ALERT_MIN_SHARE, minAmount: settings.PRICE_DROP_ALERT_MIN_AMOUNT };
        for (const change of await latestPriceChanges(tx, make, model, MARKET_WINDOW_DAYS)) {
          const drop = priceDrop(change.previous, change.price, thresholds);
          if (!drop) continue;
          const deal = byAdvert.get(change.advertId);
          alerts.push({ ...base, kind: 'price_drop', key: `${change.advertId}:${change.price}`, advertId: change.advertId, price: change.price,
            previousPrice: change.previous, estimatedValue: deal?.estimatedValue ?? null, conservativeValue: deal?.conservativeValue ?? null,
            margin: deal?.margin ?? null, details: { drop: drop.amount, drop_share: drop.share } });
        }
        const today = daily[daily.length - 1];
        const shift = today && medianShift(daily[daily.length - 2] ?? null, today, settings.MEDIAN_SHIFT_ALERT_THRESHOLD);
        if (today && shift) {
          const previous = daily[daily.length - 2]!;
          alerts.push({ ...base, kind: 'median_shift', key: `${make}:${model}:${today.day}`, details: {
            day: today.day, median_price: today.medianPrice, previous_day: previous.day, previous_median_price: previous.medianPrice, change: shift.change } });
        }
        if (input.runId !== null) {
          const counts = await recentRunListingCounts(tx, make, model, input.runId, USUAL_RUNS);
          const shortfall = scrapeShortfall(counts.seen, counts.recent, settings.SCRAPE_SHORTFALL_ALERT_SHARE);
          if (shortfall) {
            alerts.push({ ...base, kind: 'scrape_shortfall', key: `run:${input.runId}`, details: {
              run_id: input.runId, listings_seen: counts.seen, usual_listings: shortfall.usual, runs_compared: counts.recent.length } });
          }
        }
        const alertsRaised = await raiseAlerts(tx, alerts, settings.ALERT_WEBHOOK_URL ? 'pending' : 'not_configured');
        if (input.runId !== null) await recordDealsAnalysed(tx, input.runId, rated.length);
        return { listingsValued: cars.length, dealsRated: rated.length, insufficientSample: cars.length - rated.length, alertsRaised };
      });
    },

    /**
     * Delivers pending deal alerts, whichever run raised them, to ALERT_WEBHOOK_URL: sent on 2xx,
     * failed with the reason on a refusal (4xx other than 408/429). On a transient failure the alert
     * stays pending with the reason and this attempt fails, so the workflow's retry profile tries
     * again with backoff; alerts already sent are not sent again. Safe to run concurrently.
     */
    async deliverDealAlerts(): Promise<AlertDelivery> {
      const url = settings.ALERT_WEBHOOK_URL;
      const delivery: AlertDelivery = { sent: 0, failed: 0, pending: 0 };
      for (let posted = 0; url && posted < MAX_ALERTS_PER_DELIVERY; posted += 1) {
        const alert = await claimNextPendingAlert(db, CLAIM_LEASE_SECONDS);
        if (!alert) break;
        const answer = await postDealAlert(url, alert);
        const outcome =
          answer.kind === 'retry' ? afterTransientFailure(alert, answer.reason, new Date(), settings.DEAL_ALERT_DELIVERY_WINDOW_HOURS) : answer;
        await recordDeliveryOutcome(db, alert.id, outcome);
        if (outcome.kind === 'retry') throw new AlertWebhookUnavailableError(`deal alert ${alert.id}: ${outcome.reason}`);
        if (outcome.kind === 'sent') delivery.sent += 1;
        else {
          delivery.failed += 1;
          // The activity logger tags the line with the workflow id and activity type.
          log.warn('deal alert refused by the webhook', { alertId: alert.id, reason: outcome.reason });
        }
      }
      delivery.pending = await countPendingAlerts(db);
      return delivery;
    },
  };
}

export type DealActivities = ReturnType<typeof createDealActivities>;
