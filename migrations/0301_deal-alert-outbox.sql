-- Up Migration
-- Deal alerts become an outbox: the analysis stores them (in the transaction that stores the deals) as
-- 'pending' when a webhook is configured, and a separate delivery activity POSTs them:
-- pending → sent, or failed with the reason. A transient failure keeps the alert pending with its
-- reason and attempt count; a deliverer claims an alert for a short lease so concurrent deliverers
-- never POST the same alert at once, and a deliverer that dies frees it when the lease runs out.
ALTER TABLE deal_alerts
  ADD COLUMN webhook_error         TEXT,
  ADD COLUMN webhook_attempts      INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN webhook_attempted_at  TIMESTAMPTZ,
  ADD COLUMN webhook_sent_at       TIMESTAMPTZ,
  ADD COLUMN webhook_claimed_until TIMESTAMPTZ;

-- The inline sender kept its failure reason in the status itself ('failed: HTTP 503').
UPDATE deal_alerts SET webhook_error = substr(webhook_status, 9), webhook_status = 'failed' WHERE webhook_status LIKE 'failed:%';

ALTER TABLE deal_alerts
  ADD CONSTRAINT deal_alerts_webhook_status_check CHECK (webhook_status IN ('not_configured', 'pending', 'sent', 'failed'));

-- The delivery queue: never-tried alerts first, then the least recently tried.
CREATE INDEX deal_alerts_pending_idx ON deal_alerts (webhook_attempted_at NULLS FIRST, id) WHERE webhook_status = 'pending';

-- Down Migration
DROP INDEX deal_alerts_pending_idx;
ALTER TABLE deal_alerts DROP CONSTRAINT deal_alerts_webhook_status_check;
UPDATE deal_alerts SET webhook_status = 'failed: ' || COALESCE(webhook_error, 'unknown') WHERE webhook_status = 'failed';
ALTER TABLE deal_alerts
  DROP COLUMN webhook_claimed_until,
  DROP COLUMN webhook_sent_at,
  DROP COLUMN webhook_attempted_at,
  DROP COLUMN webhook_attempts,
  DROP COLUMN webhook_error;
