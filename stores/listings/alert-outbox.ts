import type { AlertKind, DealAlertRecord, DeliveryOutcome } from '../../domain/listings/alert-delivery';
import type { Database } from '../../platform/database';

type Queryable = Pick<Database, 'query'>;

/**
 * Claims the next pending alert for `leaseSeconds`: never-tried alerts first, then the least recently
 * tried, so one alert the receiver keeps refusing does not hold up the others. `SKIP LOCKED` and the
 * lease keep concurrent deliverers off each other's alerts; an alert whose deliverer died is claimable
 * again once its lease has run out. No transaction stays open while the alert is POSTed.
 */
export async function claimNextPendingAlert(db: Queryable, leaseSeconds: number): Promise<DealAlertRecord | null> {
  const { rows } = await db.query<{
    id: number;
    kind: AlertKind;
    advert_id: string | null;
    make: string;
    model: string;
    price: number | null;
    previous_price: number | null;
    estimated_value: number | null;
    conservative_value: number | null;
    profit_margin: number | null;
    details: Record<string, unknown> | null;
    created_at: Date;
  }>(
    `UPDATE deal_alerts SET webhook_claimed_until = now() + make_interval(secs => $1)
      WHERE id = (SELECT id FROM deal_alerts
                   WHERE webhook_status = 'pending' AND (webhook_claimed_until IS NULL OR webhook_claimed_until < now())
                   ORDER BY webhook_attempted_at NULLS FIRST, id
                   LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, advert_id, make, model, price, previous_price, estimated_value, conservative_value, profit_margin, details, created_at`,
    [leaseSeconds],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    advertId: row.advert_id,
    make: row.make,
    model: row.model,
    price: row.price,
    previousPrice: row.previous_price,
    estimatedValue: row.estimated_value,
    conservativeValue: row.conservative_value,
    profitMargin: row.profit_margin,
    details: row.details,
    createdAt: row.created_at,
  };
}

/**
 * Records one POST's outcome and releases the claim: sent, failed with the reason, or still pending
 * with the reason of this try. Only a pending alert changes, so a late answer never undoes another
 * deliverer's outcome.
 */
export async function recordDeliveryOutcome(db: Queryable, alertId: number, outcome: DeliveryOutcome): Promise<void> {
  const status = outcome.kind === 'sent' ? 'sent' : outcome.kind === 'rejected' ? 'failed' : 'pending';
  await db.query(
    `UPDATE deal_alerts SET webhook_status = $2, webhook_error = $3, webhook_attempts = webhook_attempts + 1,
            webhook_attempted_at = now(), webhook_sent_at = CASE WHEN $2 = 'sent' THEN now() END, webhook_claimed_until = NULL
      WHERE id = $1 AND webhook_status = 'pending'`,
    [alertId, status, outcome.kind === 'sent' ? null : outcome.reason],
  );
}

export async function countPendingAlerts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deal_alerts WHERE webhook_status = 'pending'`);
  return rows[0]!.n;
}
