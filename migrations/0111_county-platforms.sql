-- Up Migration
-- Issue 13: a county is pulled from one platform. Accela counties keep their app and user credentials; Socrata and
-- ArcGIS counties have a source config instead (socrata: domain and dataset id; arcgis: layer URL; both: the field
-- mapping of domain/permits/open-data-record.ts) and an optional app token or token, sealed by the application
-- (SecretBox) like the Accela secrets. `agency_name` of an open-data county is its source (domain/dataset or layer URL),
-- so the unique index refuses the same source twice.
ALTER TABLE counties
  ADD COLUMN platform                TEXT NOT NULL DEFAULT 'accela' CHECK (platform IN ('accela', 'socrata', 'arcgis')),
  ADD COLUMN source_config           JSONB,
  ADD COLUMN source_token_encrypted  TEXT,
  ALTER COLUMN app_id DROP NOT NULL,
  ALTER COLUMN app_secret_encrypted DROP NOT NULL,
  ALTER COLUMN username DROP NOT NULL,
  ALTER COLUMN password_encrypted DROP NOT NULL;
ALTER TABLE counties ADD CONSTRAINT counties_platform_settings_check CHECK (
  CASE platform
    WHEN 'accela' THEN app_id IS NOT NULL AND app_secret_encrypted IS NOT NULL AND username IS NOT NULL
      AND password_encrypted IS NOT NULL AND source_config IS NULL AND source_token_encrypted IS NULL
    ELSE app_id IS NULL AND app_secret_encrypted IS NULL AND username IS NULL AND password_encrypted IS NULL
      AND source_config IS NOT NULL AND source_config ->> 'platform' = platform
  END);

-- Down Migration
DELETE FROM counties WHERE platform <> 'accela';
ALTER TABLE counties
  DROP CONSTRAINT counties_platform_settings_check,
  ALTER COLUMN password_encrypted SET NOT NULL,
  ALTER COLUMN username SET NOT NULL,
  ALTER COLUMN app_secret_encrypted SET NOT NULL,
  ALTER COLUMN app_id SET NOT NULL,
  DROP COLUMN source_token_encrypted,
  DROP COLUMN source_config,
  DROP COLUMN platform;
