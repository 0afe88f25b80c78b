-- Up Migration
-- Issue 13: one canonical permit model for every platform (Accela, Socrata, ArcGIS), shaped on BLDS core permits.
-- Additive: the Accela columns stay as they are; `raw` keeps the record as received on every platform.
ALTER TABLE permits
  ADD COLUMN permit_number          TEXT,
  ADD COLUMN permit_type            TEXT,
  ADD COLUMN permit_type_mapped     TEXT CHECK (permit_type_mapped IN
    ('Building', 'Demolition', 'Electrical', 'Mechanical', 'Plumbing', 'Roof', 'Fence', 'Grading', 'Pool/Spa')),
  ADD COLUMN status_current_mapped  TEXT CHECK (status_current_mapped IN
    ('Application Accepted', 'Fees/Payment', 'In Review', 'Permit Issued', 'Inspection Phase', 'Permit Finaled',
     'Permit Finaled with Conditions', 'Occupancy', 'Appeal', 'Permit Cancelled')),
  ADD COLUMN work_class_mapped      TEXT CHECK (work_class_mapped IN ('New', 'Existing')),
  ADD COLUMN permit_class_mapped    TEXT CHECK (permit_class_mapped IN ('Residential', 'Non-Residential')),
  ADD COLUMN applied_date           DATE,
  ADD COLUMN issued_date            DATE,
  ADD COLUMN completed_date         DATE,
  ADD COLUMN valuation              NUMERIC,
  ADD COLUMN contractor             TEXT,
  -- Trade tags (domain/permits/trades.ts); `is_hvac` is `'hvac' = ANY(trades)`.
  ADD COLUMN trades                 TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX permits_trades_idx ON permits USING GIN (trades);
-- Accela rows stored before this migration: what can be told without the classifier (a re-pull only rewrites
-- changed records, so this is what they keep).
UPDATE permits SET permit_number = coalesce(custom_id, record_id), permit_type = type_path,
  applied_date = opened_date::date, trades = CASE WHEN is_hvac THEN ARRAY['hvac'] ELSE '{}' END;

-- Down Migration
DROP INDEX permits_trades_idx;
ALTER TABLE permits
  DROP COLUMN trades, DROP COLUMN contractor, DROP COLUMN valuation, DROP COLUMN completed_date, DROP COLUMN issued_date,
  DROP COLUMN applied_date, DROP COLUMN permit_class_mapped, DROP COLUMN work_class_mapped, DROP COLUMN status_current_mapped,
  DROP COLUMN permit_type_mapped, DROP COLUMN permit_type, DROP COLUMN permit_number;
