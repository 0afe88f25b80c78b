-- Up Migration
-- Issue 11: a page's properties and leads are rebuilt in one statement each, so the lead rule of
-- domain/permits/scoring.ts (the documented rule) is also written here, operation for operation in
-- double precision so both give the same numbers; test/permits/scoring-sql-parity.test.ts holds them equal.
-- Math.round(x) is floor(x + 0.5): PostgreSQL's round(float8) breaks ties to even.

-- Years from the newest HVAC permit to as_of, to one decimal (display and score; 365.25-day years).
CREATE FUNCTION permit_hvac_age_years(latest_hvac date, as_of date) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN latest_hvac IS NULL THEN NULL
    ELSE greatest(0, floor(((as_of - latest_hvac)::float8 * 86400000 / 31557600000) * 10 + 0.5) / 10)::numeric END
$$;

-- Lead score 0–100: age 70 points (full at 4/3 of a 15-year life), value 20 (10 unknown), building 10 (5 unknown).
CREATE FUNCTION permit_lead_score(hvac_age_years float8, property_value float8, year_built int, current_year int) RETURNS int
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT floor(least(100, greatest(0,
      CASE WHEN hvac_age_years IS NULL THEN 0
        ELSE 70 * least(1, greatest(0, hvac_age_years / (15 * (4::float8 / 3)))) END
    + CASE WHEN property_value IS NULL THEN 20::float8 / 2
        ELSE 20 * least(1, greatest(0, (property_value - 100000) / (500000 - 100000)::float8)) END
    + CASE WHEN year_built IS NULL THEN 10::float8 / 2
        ELSE 10 * least(1, greatest(0, (current_year - year_built)::float8 / 30)) END
  )) + 0.5)::int
$$;

CREATE FUNCTION permit_lead_tier(score int) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN score >= 75 THEN 'HOT' WHEN score >= 55 THEN 'WARM' WHEN score >= 35 THEN 'COOL' ELSE 'COLD' END
$$;

-- A lead when the newest HVAC permit is at least 5 years old by the calendar (29 February + 5 years = 28 February).
CREATE FUNCTION permit_qualifies_as_lead(latest_hvac date, as_of date) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT latest_hvac IS NOT NULL AND latest_hvac + interval '5 years' <= as_of
$$;

-- Down Migration
DROP FUNCTION permit_qualifies_as_lead(date, date);
DROP FUNCTION permit_lead_tier(int);
DROP FUNCTION permit_lead_score(float8, float8, int, int);
DROP FUNCTION permit_hvac_age_years(date, date);
