import { log } from '@temporalio/activity';
import { afterTransientFailure } from '../../domain/listings/alert-delivery';
import { raisesAlert } from '../../domain/listings/deal-rating';
import { summariseMarket } from '../../domain/listings/market-summary';
import { valueModel } from '../../domain/listings/pricing';
import { withTransaction } from '../../platform/database';
import { claimNextPendingAlert, countPendingAlerts, recordDeliveryOutcome } from '../../stores/listings/alert-outbox';
import {
  currentCarsOfModel,
  priceHistoryOfModel,
  raiseDealAlerts,
  type RatedDeal,
  replaceModelDeals,
  storeMarketSummary,
} from '../../stores/listings/deal-store';
import { recordDealsAnalysed } from '../../stores/listings/scrape-runs';
import type { ActivityDependencies } from '../dependencies';
import { AlertWebhookUnavailableError, postDealAlert, WEBHOOK_TIMEOUT_MS } from './alert-webhook';

/** Listings not seen for this long are treated as sold and leave the comparison sample. */
const MARKET_WINDOW_DAYS = 30;
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
      return withTransaction(db, async (tx) => {
        const cars = await currentCarsOfModel(tx, input.make, input.model, MARKET_WINDOW_DAYS);
        const valuations = valueModel(cars);
        const rated: RatedDeal[] = cars.flatMap((car) => {
          const valuation = valuations.get(car.id)!;
          if (valuation.status !== 'rated') return [];
          const { estimatedValue, margin, rating, sampleSize, confidence, sample } = valuation;
          return [{ advertId: car.id, price: car.price, estimatedValue, margin, rating, sampleSize, confidence, sample }];
        });
        await replaceModelDeals(tx, input.make, input.model, rated);
        const history = await priceHistoryOfModel(tx, input.make, input.model, MARKET_WINDOW_DAYS);
        await storeMarketSummary(tx, input.make, input.model, summariseMarket(cars.map((c) => c.price), history));
        const alerting = rated.filter((deal) => raisesAlert(deal.margin, settings.DEAL_ALERT_MIN_MARGIN));
        const alertsRaised = await raiseDealAlerts(tx, input.make, input.model, alerting, settings.ALERT_WEBHOOK_URL ? 'pending' : 'not_configured');
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
