-- Up Migration
-- Body type, fuel type and gearbox of a listing, so the valuation compares them (issue 14 follow-up).
-- The older card layout states all three in its key specs; the 2025–26 card and the gateway JSON
-- state none, so a scrape stores the fuel type and gearbox its search filtered on and leaves the
-- body unknown (NULL). Rows stored before this stay NULL until the next scrape sees them.
ALTER TABLE listings
  ADD COLUMN body_type TEXT,
  ADD COLUMN fuel_type TEXT,
  ADD COLUMN gearbox   TEXT;

-- Down Migration
ALTER TABLE listings DROP COLUMN body_type, DROP COLUMN fuel_type, DROP COLUMN gearbox;
