import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hvacAgeYears, qualifiesAsLead } from '../../domain/permits/scoring';

/** A property is a lead when its newest HVAC permit date plus 5 calendar years is on or before today. */
describe('lead qualification by calendar date', () => {
  it('turns down a permit 4.96 years old, although its displayed age rounds to 5.0', () => {
    assert.equal(hvacAgeYears('2021-01-15', '2026-01-01'), 5);
    assert.equal(qualifiesAsLead('2021-01-15', '2026-01-01'), false);
    assert.equal(qualifiesAsLead('2021-01-15 09:30:00', '2026-01-01'), false);
  });

  it('takes a permit exactly 5 years old, and not one a day younger', () => {
    assert.equal(qualifiesAsLead('2021-01-01', '2026-01-01'), true);
    assert.equal(qualifiesAsLead('2021-01-01 23:59:59', '2026-01-01'), true, 'the time of day does not count');
    assert.equal(qualifiesAsLead('2021-01-02', '2026-01-01'), false);
    assert.equal(qualifiesAsLead('2010-06-30', '2026-01-01'), true);
  });

  it('counts 5 years from a leap day to 28 February, and from 1 March across a leap day to 1 March', () => {
    assert.equal(qualifiesAsLead('2020-02-29', '2025-02-27'), false);
    assert.equal(qualifiesAsLead('2020-02-29', '2025-02-28'), true);
    assert.equal(qualifiesAsLead('2019-03-01', '2024-02-29'), false);
    assert.equal(qualifiesAsLead('2019-03-01', '2024-03-01'), true);
  });

  it('turns down a property without an HVAC permit', () => {
    assert.equal(qualifiesAsLead(null, '2026-01-01'), false);
  });
});
