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

export interface DealAlertRecord {
  id: number;
  advertId: string;
  make: string;
  model: string;
  price: number;
  estimatedValue: number;
  profitMargin: number;
  createdAt: Date;
}

/** The JSON body POSTed to the webhook: `id` is the alert's stable id (also the Idempotency-Key header). */
export function dealAlertPayload(alert: DealAlertRecord) {
  return {
    type: 'autotrader.deal_alert',
    id: alert.id,
    idempotency_key: alertIdempotencyKey(alert.id),
    advert_id: alert.advertId,
    make: alert.make,
    model: alert.model,
    price: alert.price,
    estimated_value: alert.estimatedValue,
    profit_margin: alert.profitMargin,
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
