import { request } from 'undici';
import { alertIdempotencyKey, classifyWebhookAnswer, type DealAlertRecord, dealAlertPayload, type DeliveryOutcome } from '../../domain/listings/alert-delivery';

/** One POST may take this long in all; a slower receiver counts as down and is tried again. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The webhook is down or overloaded (5xx, 408, 429, network, timeout): the delivery is retried with backoff. */
export class AlertWebhookUnavailableError extends Error {
  override name = 'AlertWebhookUnavailableError';
}

/**
 * POSTs one alert as JSON with its stable id in the body and as the `Idempotency-Key` header, and
 * says what the answer means. Never throws: a network failure or timeout is a transient outcome.
 */
export async function postDealAlert(url: string, alert: DealAlertRecord): Promise<DeliveryOutcome> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': alertIdempotencyKey(alert.id) },
      body: JSON.stringify(dealAlertPayload(alert)),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const sent = response.statusCode >= 200 && response.statusCode < 300;
    const body = sent ? (await response.body.dump(), '') : await response.body.text();
    return classifyWebhookAnswer(response.statusCode, body);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'retry', reason };
  }
}
