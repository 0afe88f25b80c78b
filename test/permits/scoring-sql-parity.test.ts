import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hvacAgeYears, leadScore, leadTier, qualifiesAsLead } from '../../domain/permits/scoring';
import { seededUniform } from '../../simulators/seeded-random';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The property store scores in PostgreSQL (migration 0104); domain/permits/scoring.ts is the documented
 * rule. Over many generated cases both must give the same age, score, tier and lead decision.
 */
describe('lead scoring: SQL functions agree with domain/permits/scoring.ts', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('scoring_parity');
  });
  after(async () => {
    await database?.drop();
  });

  interface Case { latestHvac: string | null; asOf: string; propertyValue: number | null; yearBuilt: number | null }

  function generatedCases(count: number): Case[] {
    const random = seededUniform(20261203);
    const day = (from: number, spanDays: number) => new Date(from + Math.floor(random() * spanDays) * 86_400_000).toISOString().slice(0, 10);
    const cases: Case[] = [];
    for (let index = 0; index < count; index++) {
      const asOf = day(Date.UTC(2020, 0, 1), 3_000);
      const asOfMs = Date.parse(`${asOf}T00:00:00Z`);
      // Most HVAC dates near the 5-year line and the 20-year cap, where rounding and calendars matter; some in the future.
      const latestHvac = random() < 0.1 ? null
        : random() < 0.4 ? day(asOfMs - (5 * 365 + 5) * 86_400_000, 10)
        : day(asOfMs - 25 * 365 * 86_400_000, 26 * 365);
      const valueDraw = random();
      const propertyValue = valueDraw < 0.15 ? null : valueDraw < 0.3 ? Math.round(random() * 600_000) : Math.round(random() * 60_000_000) / 100;
      const yearBuilt = random() < 0.5 ? null : 1900 + Math.floor(random() * 130);
      cases.push({ latestHvac, asOf, propertyValue, yearBuilt });
    }
    // Leap days and exact boundaries.
    cases.push({ latestHvac: '2020-02-29', asOf: '2025-02-28', propertyValue: 100_000, yearBuilt: null });
    cases.push({ latestHvac: '2020-02-29', asOf: '2025-02-27', propertyValue: 500_000, yearBuilt: 1996 });
    cases.push({ latestHvac: '2006-01-01', asOf: '2026-01-01', propertyValue: 0, yearBuilt: 2026 });
    return cases;
  }

  it('gives the same age, score, tier and lead decision on 20,000 generated cases', async () => {
    const cases = generatedCases(20_000);
    const { rows } = await database.db.query<{ age: number | null; score: number; tier: string; is_lead: boolean }>(
      `SELECT permit_hvac_age_years(c.latest_hvac, c.as_of) AS age,
              permit_lead_score(permit_hvac_age_years(c.latest_hvac, c.as_of)::float8, c.property_value, c.year_built,
                                extract(year FROM c.as_of)::int) AS score,
              permit_lead_tier(permit_lead_score(permit_hvac_age_years(c.latest_hvac, c.as_of)::float8, c.property_value,
                                                 c.year_built, extract(year FROM c.as_of)::int)) AS tier,
              permit_qualifies_as_lead(c.latest_hvac, c.as_of) AS is_lead
         FROM unnest($1::date[], $2::date[], $3::float8[], $4::int[]) WITH ORDINALITY AS c(latest_hvac, as_of, property_value, year_built, n)
        ORDER BY c.n`,
      [cases.map((c) => c.latestHvac), cases.map((c) => c.asOf), cases.map((c) => c.propertyValue), cases.map((c) => c.yearBuilt)],
    );
    assert.equal(rows.length, cases.length);
    const mismatches = cases.flatMap((c, index) => {
      const age = hvacAgeYears(c.latestHvac, c.asOf);
      const score = leadScore({ hvacAgeYears: age, propertyValue: c.propertyValue, yearBuilt: c.yearBuilt, currentYear: Number(c.asOf.slice(0, 4)) });
      const expected = { age, score, tier: leadTier(score), is_lead: qualifiesAsLead(c.latestHvac, c.asOf) };
      const row = rows[index]!;
      const actual = { age: row.age, score: row.score, tier: row.tier, is_lead: row.is_lead };
      return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [{ case: c, expected, actual }];
    });
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} of ${cases.length} cases differ`);
    // The cases reach every tier and both lead decisions, so the comparison covers each branch.
    const tiers = new Set(rows.map((row) => row.tier));
    assert.deepEqual([...tiers].sort(), ['COLD', 'COOL', 'HOT', 'WARM']);
    assert.ok(rows.some((row) => row.is_lead) && rows.some((row) => !row.is_lead));
  });
});
