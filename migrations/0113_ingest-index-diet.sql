-- Up Migration
-- Issue 11 item 1 (permit ingest speed): every index on permits and leads is written for every row a pull saves.
-- Two are read by nothing:
-- * permits_trades_idx (GIN on trades): `GET /api/permits?trade=…` reads the opened-date list index in order and
--   filters on the way (test/platform/list-query-plans.test.ts); no other statement looks permits up by trade.
-- * leads_sync_status_idx (sync_status): leads_sync_status_list_idx (sync_status, score DESC, id DESC) starts with the
--   same column and serves every lookup by sync status (the CRM sync's pending leads, the lead list's filter).
DROP INDEX permits_trades_idx;
DROP INDEX leads_sync_status_idx;

-- Down Migration
CREATE INDEX leads_sync_status_idx ON leads (sync_status);
CREATE INDEX permits_trades_idx ON permits USING GIN (trades);
