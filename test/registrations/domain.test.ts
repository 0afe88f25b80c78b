import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseBrands } from '../../domain/registrations/brands';
import { addMonths, fromCepikDate } from '../../domain/registrations/dates';
import { buildOpportunity, opportunityInsight, opportunityScore } from '../../domain/registrations/opportunity';
import { SALES_ASSUMPTIONS, salesHooks } from '../../domain/registrations/sales-context';
import { resolveVoivodeship, VOIVODESHIPS } from '../../domain/registrations/voivodeships';
import { isWithinApiLimit, leaseExpiryWindow, splitWindow } from '../../domain/registrations/windows';

describe('voivodeships', () => {
  it('lists the 16 TERYT codes 02…32', () => {
    assert.deepEqual(
      VOIVODESHIPS.map((v) => v.code),
      ['02', '04', '06', '08', '10', '12', '14', '16', '18', '20', '22', '24', '26', '28', '30', '32'],
    );
  });

  it('resolves by code, by name in any case, with or without diacritics', () => {
    for (const input of ['24', 'ŚLĄSKIE', 'śląskie', 'slaskie', 'SLASKIE', ' Śląskie ']) {
      assert.equal(resolveVoivodeship(input)?.code, '24', input);
    }
    assert.equal(resolveVoivodeship('lodzkie')?.name, 'ŁÓDZKIE');
    assert.equal(resolveVoivodeship('Łódzkie')?.code, '10');
    assert.equal(resolveVoivodeship('warminsko-mazurskie')?.code, '28');
    assert.equal(resolveVoivodeship('Warmińsko Mazurskie')?.code, '28');
    assert.equal(resolveVoivodeship('swietokrzyskie')?.code, '26');
    assert.equal(resolveVoivodeship('2')?.code, '02');
  });

  it('resolves every name in its own and folded form', () => {
    for (const voivodeship of VOIVODESHIPS) {
      assert.equal(resolveVoivodeship(voivodeship.name)?.code, voivodeship.code);
      assert.equal(resolveVoivodeship(voivodeship.name.toLowerCase())?.code, voivodeship.code);
    }
  });

  it('refuses unknown codes and names', () => {
    for (const input of ['25', '00', '34', 'XX', 'bavaria', '', '024']) assert.equal(resolveVoivodeship(input), undefined, input);
  });
});

describe('windows', () => {
  it('ends months_back months ago and spans the window length (defaults 36 and 2)', () => {
    assert.deepEqual(leaseExpiryWindow(new Date('2026-11-23T10:00:00Z')), { from: '2023-09-24', to: '2023-11-23' });
    assert.deepEqual(leaseExpiryWindow(new Date('2026-11-23T10:00:00Z'), 12, 1), { from: '2025-10-24', to: '2025-11-23' });
  });

  it('clamps month ends', () => {
    assert.equal(addMonths('2024-03-31', -1), '2024-02-29');
    assert.equal(addMonths('2023-03-31', -1), '2023-02-28');
    assert.deepEqual(leaseExpiryWindow(new Date('2027-05-31T00:00:00Z'), 36, 3), { from: '2024-03-01', to: '2024-05-31' });
  });

  it('keeps a window under two years whole and splits longer ones into consecutive parts', () => {
    assert.deepEqual(splitWindow({ from: '2023-01-01', to: '2024-12-31' }), [{ from: '2023-01-01', to: '2024-12-31' }]);
    const parts = splitWindow({ from: '2021-03-15', to: '2024-03-14' });
    assert.deepEqual(parts, [
      { from: '2021-03-15', to: '2023-03-14' },
      { from: '2023-03-15', to: '2024-03-14' },
    ]);
    assert.ok(parts.every((part) => isWithinApiLimit(part)));
    assert.equal(isWithinApiLimit({ from: '2021-03-15', to: '2023-03-15' }), false);
    assert.equal(splitWindow({ from: '2000-01-01', to: '2029-12-31' }).length, 15);
    assert.throws(() => splitWindow({ from: '2024-01-02', to: '2024-01-01' }), /starts after/);
  });

  it('reads CEPiK dates and refuses impossible ones', () => {
    assert.equal(fromCepikDate('20240229'), '2024-02-29');
    assert.equal(fromCepikDate('20230229'), undefined);
    assert.equal(fromCepikDate('2024-02-01'), undefined);
  });
});

describe('opportunity score', () => {
  it('applies the thresholds strictly above each bound', () => {
    const cases: Array<[number, number, string]> = [
      [1001, 100, 'CRITICAL'], [1000, 85, 'HIGH'], [501, 85, 'HIGH'], [500, 65, 'MEDIUM'], [251, 65, 'MEDIUM'],
      [250, 45, 'MODERATE'], [101, 45, 'MODERATE'], [100, 25, 'LOW'], [0, 25, 'LOW'],
    ];
    for (const [total, score, urgency] of cases) assert.deepEqual(opportunityScore(total), { score, urgency }, String(total));
  });

  it('words the insight like the issue', () => {
    assert.equal(opportunityInsight(377, 'ŚLĄSKIE', 'MEDIUM'), '377 premium car leases expiring in ŚLĄSKIE - medium sales opportunity');
  });

  it('splits TESLA from the competitors', () => {
    const opportunity = buildOpportunity({
      counts: { TESLA: 17, BMW: 150, 'MERCEDES-BENZ': 120, AUDI: 60, VOLVO: 30 },
      region: { code: '24', name: 'ŚLĄSKIE' },
      window: { from: '2023-09-24', to: '2023-11-23' },
      fetchedAt: new Date('2026-11-23T10:00:00Z'),
      stale: false,
    });
    assert.equal(opportunity.total_expiring_leases, 377);
    assert.equal(opportunity.tesla_count, 17);
    assert.deepEqual(opportunity.competitor_breakdown, { BMW: 150, 'MERCEDES-BENZ': 120, AUDI: 60, VOLVO: 30 });
    assert.equal(opportunity.opportunity_score, 65);
    assert.equal(opportunity.insight, '377 premium car leases expiring in ŚLĄSKIE - medium sales opportunity');
  });
});

describe('brands', () => {
  it('upper-cases, de-duplicates and names unknown brands', () => {
    assert.deepEqual(normaliseBrands(['bmw', ' BMW', 'Mercedes-Benz', 'trabbi']), { brands: ['BMW', 'MERCEDES-BENZ', 'TRABBI'], unknown: ['TRABBI'] });
  });
});

describe('sales context', () => {
  const opportunity = (total: number) =>
    buildOpportunity({
      counts: { BMW: total },
      region: { code: '24', name: 'ŚLĄSKIE' },
      window: { from: '2023-09-24', to: '2023-11-23' },
      fetchedAt: new Date(),
      stale: false,
    });
  const quiet = { monthly_fuel_cost: 0, current_car_value: 0, annual_tax: 0, has_family_card: false };
  const rules = (hooks: ReturnType<typeof salesHooks>) => hooks.map((hook) => hook.rule).sort();

  it('offers only the standard subsidy when nothing else applies', () => {
    const hooks = salesHooks(quiet, opportunity(10));
    assert.deepEqual(hooks.map((h) => [h.rule, h.value_pln]), [['EV_SUBSIDY', SALES_ASSUMPTIONS.standardSubsidyPln]]);
  });

  it('fuel savings: 65% of the fuel bill, from 1,200 PLN a year', () => {
    const below = salesHooks({ ...quiet, monthly_fuel_cost: 153 }, opportunity(10)); // 153×12×0.65 = 1193.4
    assert.ok(!rules(below).includes('FUEL_SAVINGS'));
    const hooks = salesHooks({ ...quiet, monthly_fuel_cost: 800 }, opportunity(10));
    const fuel = hooks.find((hook) => hook.rule === 'FUEL_SAVINGS')!;
    assert.equal(fuel.value_pln, 6240);
    assert.match(fuel.headline, /6,240 PLN a year/);
  });

  it('trade-in from 20,000 PLN, tax from 1,000 PLN, family card raises the subsidy', () => {
    const hooks = salesHooks({ monthly_fuel_cost: 0, current_car_value: 90_000, annual_tax: 1_000, has_family_card: true }, opportunity(10));
    assert.deepEqual(hooks.map((h) => h.rule), ['TRADE_IN', 'EV_SUBSIDY', 'TAX_EXPOSURE']);
    assert.match(hooks[0]!.headline, /50% of an electric car/);
    assert.equal(hooks[1]!.value_pln, SALES_ASSUMPTIONS.familyCardSubsidyPln);
    assert.ok(!rules(salesHooks({ ...quiet, current_car_value: 19_999, annual_tax: 999 }, opportunity(10))).includes('TRADE_IN'));
  });

  it('market timing only for HIGH and CRITICAL regions', () => {
    assert.ok(!rules(salesHooks(quiet, opportunity(500))).includes('MARKET_TIMING'));
    const hooks = salesHooks(quiet, opportunity(501));
    assert.equal(hooks.at(-1)!.rule, 'MARKET_TIMING');
    assert.match(hooks.at(-1)!.headline, /501 premium leases expire in ŚLĄSKIE/);
  });
});
