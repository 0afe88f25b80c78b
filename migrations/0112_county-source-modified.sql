-- Up Migration
-- Issue 13: a county's data freshness (`data_status`) compares its pulls with the source's own last-modified time
-- (Socrata `rowsUpdatedAt`, the ArcGIS layer's `editingInfo.lastEditDate`), as last seen by the connection test or
-- the background source-health probe. Null until seen, and for Accela, which publishes none.
ALTER TABLE counties ADD COLUMN source_modified_at TIMESTAMPTZ;

-- Down Migration
ALTER TABLE counties DROP COLUMN source_modified_at;
