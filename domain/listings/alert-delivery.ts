/**
 * Where a deal alert is on its way to the webhook. `not_configured`: raised while no webhook URL was
 * set, and never sent later (see docs/listings.md); `pending`: waiting in the outbox; `sent`: the
 * receiver answered 2xx; `failed`: the receiver refused it, or it stayed undeliverable past the
 * delivery window (the reason is stored beside the status).
 */
export type WebhookStatus = 'not_configured' | 'pending' | 'sent' | 'failed';

/** What to do with an alert after one POST. */
export type DeliveryOutcome = { kind: 'sent' } | { kind: 'rejected'; reason: string } | { kind: 'retry'; reason: string };

/** Receivers' body text kept in a failure reason, enough to tell what they objected to. */
const REASON_BODY_CHARS = 200;

/**
 * A 2xx answer delivers the alert; 408, 429 and 5xx are the receiver's passing trouble and are tried
 * again; any other answer (4xx, or a redirect, which is not followed) is a refusal that another try
 * would not change.
 */
export function classifyWebhookAnswer(statusCode: number, body = ''): DeliveryOutcome {
  if (statusCode >= 200 && statusCode < 300) return { kind: 'sent' };
  const text = body.trim().replace(/\s+/g, ' ').slice(0, REASON_BODY_CHARS);
  const reason = text ? `HTTP ${statusCode}: ${text}` : `HTTP ${statusCode}`;
  const transient = statusCode === 408 || statusCode === 429 || statusCode >= 500;
  return transient ? { kind: 'retry', reason } : { kind: 'rejected', reason };
}

/** The same for every POST of one alert, so a receiver can drop a repeat (delivery is at least once). */
export function alertIdempotencyKey(alertId: number): string {
  return `deal-alert-${alertId}`;
}

export type AlertKind = 'deal' | 'price_drop' | 'median_shift' | 'scrape_shortfall';
export const ALERT_KINDS: readonly AlertKind[] = ['deal', 'price_drop', 'median_shift', 'scrape_shortfall'];

/** The webhook payload's `type` per kind (a deal keeps the type it was first delivered with). */
const PAYLOAD_TYPE: Record<AlertKind, string> = {
  deal: 'autotrader.deal_alert',
  price_drop: 'autotrader.price_drop',
  median_shift: 'autotrader.market_anomaly',
  scrape_shortfall: 'autotrader.market_anomaly',
};

export interface DealAlertRecord {
  id: number;
  kind: AlertKind;
  /** The listing, for deals and price drops; null for a model's anomaly. */
  advertId: string | null;
  make: string;
  model: string;
  price: number | null;
  previousPrice: number | null;
  estimatedValue: number | null;
  conservativeValue: number | null;
  profitMargin: number | null;
  details: Record<string, unknown> | null;
  createdAt: Date;
}

/** The JSON body POSTed to the webhook: `id` is the alert's stable id (also the Idempotency-Key header). */
export function dealAlertPayload(alert: DealAlertRecord): Record<string, unknown> {
  const listing =
    alert.advertId === null
      ? {}
      : {
          advert_id: alert.advertId,
          price: alert.price,
          ...(alert.kind === 'price_drop' ? { previous_price: alert.previousPrice } : {}),
          estimated_value: alert.estimatedValue,
          conservative_value: alert.conservativeValue,
          profit_margin: alert.profitMargin,
        };
  return {
    type: PAYLOAD_TYPE[alert.kind],
    kind: alert.kind,
    id: alert.id,
    idempotency_key: alertIdempotencyKey(alert.id),
    make: alert.make,
    model: alert.model,
    ...listing,
    ...(alert.details ?? {}),
    created_at: alert.createdAt.toISOString(),
  };
}

/**
 * A transient failure keeps an alert pending, unless the alert was raised longer ago than the delivery
 * window: a deal that old is stale, so the alert is failed with the last reason instead of being tried forever.
 */
export function afterTransientFailure(alert: Pick<DealAlertRecord, 'createdAt'>, reason: string, now: Date, windowHours: number): DeliveryOutcome {
  const ageHours = (now.getTime() - alert.createdAt.getTime()) / 3_600_000;
  return ageHours >= windowHours ? { kind: 'rejected', reason: `${reason} (still undelivered ${windowHours} h after it was raised)` } : { kind: 'retry', reason };
}
