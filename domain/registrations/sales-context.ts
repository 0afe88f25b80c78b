import { type Opportunity } from './opportunity';

/**
 * Sales hooks for one prospect, derived by fixed rules from what the prospect told the seller and the
 * region's lease-expiry opportunity. The constants are planning assumptions, documented in
 * docs/registrations.md; each rule is unit-tested at its threshold.
 */
export const SALES_ASSUMPTIONS = {
  /** Charging an electric car costs about this share of fuelling a comparable combustion car. */
  electricToFuelCostRatio: 0.35,
  /** Annual fuel savings worth mentioning. */
  minimumAnnualFuelSavingsPln: 1_200,
  /** Car value from which a trade-in is a real deposit. */
  minimumTradeInValuePln: 20_000,
  /** Price of the entry electric car the trade-in share is measured against. */
  referenceElectricCarPricePln: 180_000,
  /** Annual car taxes and charges from which the tax advantages of an electric car are a hook. */
  minimumTaxExposurePln: 1_000,
  /** "Mój Elektryk" subsidy for private buyers: standard and Karta Dużej Rodziny tiers. */
  standardSubsidyPln: 18_750,
  familyCardSubsidyPln: 27_000,
} as const;

export interface SalesContextInput {
  monthly_fuel_cost: number;
  current_car_value: number;
  annual_tax: number;
  has_family_card: boolean;
}

export type SalesHookRule = 'FUEL_SAVINGS' | 'TRADE_IN' | 'TAX_EXPOSURE' | 'EV_SUBSIDY' | 'MARKET_TIMING';

export interface SalesHook {
  rule: SalesHookRule;
  headline: string;
  /** The yearly or one-off amount in PLN the hook is about, when it has one. */
  value_pln: number | null;
}

const pln = (amount: number) => `${Math.round(amount).toLocaleString('en-US')} PLN`;

/** The hooks that apply, most valuable first (hooks without an amount last). */
export function salesHooks(input: SalesContextInput, opportunity: Opportunity, assumptions = SALES_ASSUMPTIONS): SalesHook[] {
  const hooks: SalesHook[] = [];

  const annualFuelSavings = input.monthly_fuel_cost * 12 * (1 - assumptions.electricToFuelCostRatio);
  if (annualFuelSavings >= assumptions.minimumAnnualFuelSavingsPln) {
    hooks.push({
      rule: 'FUEL_SAVINGS',
      headline: `Charging instead of fuelling saves about ${pln(annualFuelSavings)} a year`,
      value_pln: Math.round(annualFuelSavings),
    });
  }

  if (input.current_car_value >= assumptions.minimumTradeInValuePln) {
    const share = Math.round((input.current_car_value / assumptions.referenceElectricCarPricePln) * 100);
    hooks.push({
      rule: 'TRADE_IN',
      headline: `The current car (${pln(input.current_car_value)}) covers about ${share}% of an electric car as a trade-in`,
      value_pln: Math.round(input.current_car_value),
    });
  }

  if (input.annual_tax >= assumptions.minimumTaxExposurePln) {
    hooks.push({
      rule: 'TAX_EXPOSURE',
      headline: `${pln(input.annual_tax)} a year in car taxes and charges: electric cars are exempt from excise duty`,
      value_pln: Math.round(input.annual_tax),
    });
  }

  const subsidy = input.has_family_card ? assumptions.familyCardSubsidyPln : assumptions.standardSubsidyPln;
  hooks.push({
    rule: 'EV_SUBSIDY',
    headline: input.has_family_card
      ? `Karta Dużej Rodziny raises the electric-car subsidy to ${pln(subsidy)}`
      : `Electric-car subsidy of ${pln(subsidy)} for private buyers`,
    value_pln: subsidy,
  });

  if (opportunity.urgency_level === 'CRITICAL' || opportunity.urgency_level === 'HIGH') {
    hooks.push({
      rule: 'MARKET_TIMING',
      headline: `${opportunity.total_expiring_leases} premium leases expire in ${opportunity.region.name} now: act before competitors renew them`,
      value_pln: null,
    });
  }

  return hooks.sort((a, b) => (b.value_pln ?? -1) - (a.value_pln ?? -1));
}
