import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterTransientFailure, alertIdempotencyKey, classifyWebhookAnswer, dealAlertPayload } from '../../domain/listings/alert-delivery';

describe('deal alert delivery rules', () => {
  it('sends on 2xx, retries 408, 429 and 5xx, and fails any other answer', () => {
    for (const status of [200, 201, 202, 204]) assert.deepEqual(classifyWebhookAnswer(status), { kind: 'sent' }, `HTTP ${status}`);
    for (const status of [408, 429, 500, 502, 503, 504]) assert.equal(classifyWebhookAnswer(status).kind, 'retry', `HTTP ${status}`);
    for (const status of [301, 302, 400, 401, 403, 404, 409, 410, 413, 422]) assert.equal(classifyWebhookAnswer(status).kind, 'rejected', `HTTP ${status}`);
  });

  it('keeps the status and the start of the receiver’s answer as the reason', () => {
    assert.deepEqual(classifyWebhookAnswer(404), { kind: 'rejected', reason: 'HTTP 404' });
    assert.deepEqual(classifyWebhookAnswer(400, '  {"error":\n  "bad payload"}  '), { kind: 'rejected', reason: 'HTTP 400: {"error": "bad payload"}' });
    const long = classifyWebhookAnswer(500, 'x'.repeat(5_000));
    assert.equal(long.kind === 'retry' && long.reason, `HTTP 500: ${'x'.repeat(200)}`);
  });

  it('gives a transiently failing alert up only once the delivery window has passed since it was raised', () => {
    const raised = new Date('2026-01-01T00:00:00Z');
    const at = (hours: number) => new Date(raised.getTime() + hours * 3_600_000);
    assert.deepEqual(afterTransientFailure({ createdAt: raised }, 'HTTP 503', at(23.9), 24), { kind: 'retry', reason: 'HTTP 503' });
    assert.deepEqual(afterTransientFailure({ createdAt: raised }, 'HTTP 503', at(24), 24), {
      kind: 'rejected',
      reason: 'HTTP 503 (still undelivered 24 h after it was raised)',
    });
  });

  it('carries the alert’s stable id in the payload and as the idempotency key, and both values of a deal', () => {
    const payload = dealAlertPayload({
      id: 42,
      kind: 'deal',
      advertId: '202601010000001',
      make: 'Ford',
      model: 'Fiesta',
      price: 9_000,
      previousPrice: null,
      estimatedValue: 12_400,
      conservativeValue: 12_000,
      profitMargin: 0.3333,
      details: { confidence_level: 0.95, confidence: 0.8 },
      createdAt: new Date('2026-01-01T12:00:00Z'),
    });
    assert.equal(alertIdempotencyKey(42), 'deal-alert-42');
    assert.deepEqual(payload, {
      type: 'autotrader.deal_alert',
      kind: 'deal',
      id: 42,
      idempotency_key: 'deal-alert-42',
      advert_id: '202601010000001',
      make: 'Ford',
      model: 'Fiesta',
      price: 9_000,
      estimated_value: 12_400,
      conservative_value: 12_000,
      profit_margin: 0.3333,
      confidence_level: 0.95,
      confidence: 0.8,
      created_at: '2026-01-01T12:00:00.000Z',
    });
  });

  it('tells a price drop by its previous price and an anomaly by its figures, without a listing', () => {
    const common = { make: 'Ford', model: 'Fiesta', estimatedValue: null, conservativeValue: null, profitMargin: null, createdAt: new Date('2026-01-02T00:00:00Z') };
    const drop = dealAlertPayload({ ...common, id: 7, kind: 'price_drop', advertId: '202601010000002', price: 9_000, previousPrice: 10_000, details: { drop: 1_000, drop_share: 0.1 } });
    assert.equal(drop.type, 'autotrader.price_drop');
    assert.equal(drop.previous_price, 10_000);
    assert.equal(drop.drop_share, 0.1);
    const anomaly = dealAlertPayload({ ...common, id: 8, kind: 'scrape_shortfall', advertId: null, price: null, previousPrice: null, details: { listings_seen: 12, usual_listings: 400 } });
    assert.equal(anomaly.type, 'autotrader.market_anomaly');
    assert.equal('advert_id' in anomaly, false);
    assert.equal(anomaly.usual_listings, 400);
  });
});
