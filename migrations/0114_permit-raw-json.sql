-- Up Migration
-- Issue 11 item 1 (permit ingest speed): `raw`, the record as received, is stored and handed back whole and never
-- queried inside, so it is kept as `json` (the text as received, checked to be JSON) rather than parsed into JSONB.
-- Parsing every record into JSONB was the largest single cost of saving a pulled page (about 30 ms of a page of 800
-- permits against 8 ms for json, measured on the page statement; docs/permits.md). A page compares a permit it saw
-- before by value (both cast to JSONB), so only re-seen records are ever parsed.
ALTER TABLE permits ALTER COLUMN raw TYPE json USING raw::json;

-- Down Migration
ALTER TABLE permits ALTER COLUMN raw TYPE jsonb USING raw::jsonb;
