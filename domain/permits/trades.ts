/**
 * Trade classification of a building permit from its type and description, whatever the platform.
 *
 * A permit gets every trade its work involves (a combined "ELECTRICAL, MECHANICAL & PLUMBING" permit gets three).
 * The rules run as a most-specific-first cascade over the upper-cased type and description text (see
 * ../shared/reference/blds.md §4):
 *
 * 1. Negations and references to other permits are removed first ("NO MECHANICAL WORK", "SEE ELECTRICAL PERMIT
 *    #E-123", "PLUMBING UNDER SEPARATE PERMIT"): they name a trade the permit does not cover.
 * 2. Specific phrases are consumed before the general words they contain, so the general rule cannot fire on them:
 *    "HEAT PUMP WATER HEATER" is a water heater, not a heat pump; "POOL HEAT PUMP" and "POOL CAGE" are pool work,
 *    not HVAC or roofing; "ROOF TOP UNIT" is HVAC, not roofing; "ROOF MOUNTED" solar is not roofing.
 * 3. Trade words match on word boundaries only, and short tokens carry guards: "AC" never matches inside ACCESSORY,
 *    SPACE or REPLACE, nor as acres ("2.5 AC") or asphalt ("AC PAVING"); "PV" never matches PVC; "AMP" never RAMP;
 *    "SPA" never SPACE.
 * 4. "Mechanical" (as a permit type or a word) is HVAC on a residential permit unless its description names only
 *    non-HVAC mechanical work (kitchen hood, exhaust fan, dryer vent, gas range, generator). On a commercial permit it
 *    often means a hood, exhaust or refrigeration in a tenant build-out, so there it is HVAC only when the text names
 *    heating/cooling equipment (RTU, A/C, air handler, …).
 * 5. A change-out ("A/C CHANGE OUT", "C/O 3 TON") is HVAC when nothing else is changed out in the text.
 *
 * `rules` names every rule that fired, kept beside the tags for audit.
 */

export const TRADES = ['hvac', 'roofing', 'solar', 'water_heater', 'electrical', 'plumbing', 'pool', 'new_construction', 'demolition'] as const;
export type Trade = (typeof TRADES)[number];

export interface TradeInput {
  /** The source's permit type as published (Accela type path, Chicago `permit_type`, BLDS `permittype`, …). */
  permitType?: string | null;
  /** BLDS `PermitTypeMapped` where the source publishes it. */
  permitTypeMapped?: string | null;
  /** BLDS `PermitClassMapped` (`Residential` / `Non-Residential`) or the source's own class text. */
  permitClass?: string | null;
  /** BLDS `WorkClassMapped` (`New` / `Existing`) or the source's own work class text. */
  workClass?: string | null;
  description?: string | null;
}

export interface TradeClassification {
  trades: Trade[];
  rules: string[];
}

interface Rule {
  name: string;
  pattern: RegExp;
  trades: readonly Trade[];
  /** Removes the matched text so later, more general rules do not see it again. */
  consume?: boolean;
  /** Trades this more specific rule overrides even when the type named them (a pool cage under a roofing type). */
  beats?: readonly Trade[];
}

const TRADE_WORDS = String.raw`(?:MECHANICAL|HVAC|A\/C|AC|ELECTRICAL|ELECTRIC|PLUMBING|ROOF(?:ING)?|GAS|SOLAR|POOL)`;

/** One trade word, or a list of them ("MECHANICAL, ELECTRICAL AND PLUMBING"). */
const TRADE_LIST = String.raw`${TRADE_WORDS}(?:\s*(?:,|\bAND\b|\bOR\b|&|\/)\s*${TRADE_WORDS})*`;

const NEGATIONS: readonly RegExp[] = [
  new RegExp(String.raw`\b(?:NO|WITHOUT|EXCLUDING|EXCLUDES|NOT INCLUDING)\s+(?:\w+\s+){0,2}?${TRADE_LIST}(?:\s+(?:WORK|PERMIT|CHANGES?))?\b`, 'g'),
  new RegExp(String.raw`\b(?:SEE|PER|REF(?:ERENCE)?|UNDER|BY)\s+(?:SEPARATE\s+)?${TRADE_LIST}\s+PERMITS?(?:\s*(?:#|NO\.?)?\s*[A-Z0-9-]*\d[A-Z0-9-]*)?`, 'g'),
  new RegExp(String.raw`\b${TRADE_LIST}(?:\s+WORK)?\s+(?:UNDER|BY|ON|REQUIRES?)\s+(?:A\s+)?SEPARATE\s+PERMITS?\b`, 'g'),
  /\bSEPARATE\s+(?:MECHANICAL|ELECTRICAL|PLUMBING|ROOFING|HVAC|A\/C)\s+PERMITS?(?:\s+REQUIRED)?\b/g,
];

/** Equipment and work words that are heating/cooling on any property. */
const HVAC_EQUIPMENT = new RegExp(
  [
    String.raw`\bHVAC\b`,
    String.raw`\bA\s?\/\s?C\b`,
    String.raw`\bA\.C\.`,
    // A bare AC word, but not acres ("2.5 AC") nor asphalt concrete ("AC PAVING").
    String.raw`(?<![\d.]\s?)\bAC\b(?!\s*(?:PAVING|PAVEMENT|OVERLAY|ASPHALT|SURFACE))`,
    String.raw`\bAIR[\s-]?CONDITION\w*`,
    String.raw`\bAIR[\s-]?HANDL(?:ER|ING)\w*`,
    String.raw`\bAHU'?S?\b`,
    String.raw`\bRTU'?S?\b`,
    String.raw`\bCONDENS(?:ER|ING UNIT)S?\b`,
    String.raw`\bHEAT[\s-]?PUMPS?\b`,
    String.raw`\bMINI[\s-]?SPLITS?\b`,
    String.raw`\bSPLIT[\s-]SYSTEMS?\b`,
    String.raw`\bDUCTLESS\b`,
    String.raw`\bDUCT(?:S|WORK|ING)?\b`,
    String.raw`\bFURNACES?\b`,
    String.raw`\bBOILERS?\b`,
    String.raw`\bEVAPORATOR\b`,
    String.raw`\bPACKAGE(?:D)?\s+UNITS?\b`,
    String.raw`\bSEER2?\b`,
    String.raw`\b\d+(?:\.\d+)?\s?-?\s?TONS?\b`,
    String.raw`\bHEATING\b`,
    String.raw`\bCOOLING\b`,
    String.raw`\bCHILLERS?\b`,
  ].join('|'),
);

/** Mechanical work that is not heating/cooling: a mechanical permit naming only these is not HVAC. */
const NON_HVAC_MECHANICAL = /\b(?:HOODS?|EXHAUST|DRYER VENTS?|RANGE|KITCHEN VENT\w*|GENERATORS?|WALK[\s-]?IN|COOLERS?|FREEZERS?|REFRIGERATION|SPRAY BOOTH|GAS (?:LINE|PIPING)|FIREPLACE|BATH FANS?)\b/;

const MECHANICAL = /\bMECH(?:ANICAL)?\b/;
const COMMERCIAL = /\b(?:COMMERCIAL|COMM|NON[\s-]?RESIDENTIAL|TENANT|RETAIL|RESTAURANT|OFFICE|WAREHOUSE|INDUSTRIAL|BUILD[\s-]?OUT|SUITE|STE|HOTEL|SCHOOL|HOSPITAL|CHURCH|PLAZA|MALL|STORE|SHOPPING)\b/;
const RESIDENTIAL = /\b(?:RESIDENTIAL|RES|SFR|SFD|SINGLE[\s-]FAMILY|DUPLEX|TOWNHOUSE|TOWNHOME|CONDO|DWELLING|HOME|HOUSE|MOBILE HOME)\b/;
const CHANGE_OUT = /\b(?:CHANGE[\s-]?OUTS?|C\/O)\b/;

/** Most specific first; see the module comment for why the order matters. */
const RULES: readonly Rule[] = [
  { name: 'heat-pump-water-heater', pattern: /\bHEAT[\s-]?PUMP\s+(?:HOT\s+)?WATER\s+HEATERS?\b/g, trades: ['water_heater'], consume: true },
  { name: 'solar-water-heater', pattern: /\bSOLAR\s+(?:HOT\s+)?WATER\s+HEAT(?:ER|ING)S?\b/g, trades: ['solar', 'water_heater'], consume: true },
  { name: 'pool-heater', pattern: /\b(?:POOL|SPA)\s+(?:HEAT[\s-]?PUMPS?|HEATERS?|HEATING)\b/g, trades: ['pool'], consume: true },
  { name: 'pool-enclosure', pattern: /\b(?:(?:RE-?)?ROOF(?:ING)?\s+(?:OVER\s+|OF\s+|ON\s+)?(?:THE\s+)?(?:EXISTING\s+)?)?(?:POOL\s+(?:CAGE|ENCLOSURE|SCREEN)S?|SCREEN(?:ED)?\s+(?:POOL\s+)?ENCLOSURES?)(?:\s+(?:RE-?)?ROOF)?\b/g, trades: ['pool'], consume: true, beats: ['roofing'] },
  { name: 'roof-top-unit', pattern: /\bROOF[\s-]?TOP\s+(?:A\/C\s+|AC\s+|HVAC\s+)?UNITS?\b/g, trades: ['hvac'], consume: true },
  // Where equipment sits ("RTU ON ROOF", "ROOF MOUNTED PV"), not work on the roof itself.
  { name: 'roof-location', pattern: /\bROOF[\s-]?(?:MOUNT(?:ED)?|TOP)\b|\bON\s+(?:THE\s+)?ROOF\b/g, trades: [], consume: true },
  { name: 'water-heater', pattern: /\b(?:(?:HOT\s+)?WATER\s+HEATERS?|HWH|W\/H|TANKLESS)\b|\bWH\b/g, trades: ['water_heater'], consume: true },
  { name: 'solar', pattern: /\b(?:SOLAR|PHOTOVOLTAIC|PV)\b/g, trades: ['solar'], consume: true },
  { name: 'roofing', pattern: /\b(?:RE-?ROOF(?:ING)?|ROOF(?:ING|S)?|SHINGLES?|SBS|MODIFIED BITUMEN|UNDERLAYMENT)\b/g, trades: ['roofing'], consume: true },
  { name: 'pool', pattern: /\b(?:SWIMMING\s+POOL|POOLS?|SPAS?|HOT\s+TUB)\b/g, trades: ['pool'], consume: true },
  { name: 'demolition', pattern: /\b(?:WRECKING|DEMOLITION|DEMOLISH\w*|RAZE)\b|(?<!(?:INTERIOR|SELECTIVE|INT)\s)\bDEMO\b(?!\s+(?:INTERIOR|OF\s+(?:INTERIOR|KITCHEN|BATH\w*|DRYWALL)))/g, trades: ['demolition'] },
  {
    name: 'new-construction',
    pattern: /\bNEW\s+(?:CONSTRUCTION|(?:\d[\s-]STORY\s+)?(?:SINGLE[\s-]FAMILY|SFR|SFD|RESIDENCE|HOME|HOUSE|DWELLING|DUPLEX|TOWNHOMES?|TOWNHOUSES?|(?:COMMERCIAL\s+|RETAIL\s+|OFFICE\s+|INDUSTRIAL\s+)?BUILDING|(?:\d+[\s-])?UNIT\s+(?:APARTMENT|CONDO)\w*))\b|\bCONSTRUCT\s+(?:A\s+)?(?:NEW\s+)?(?:\d[\s-]STORY\s+)?(?:SINGLE[\s-]FAMILY|SFR|SFD|RESIDENCE|HOME|DWELLING)\b|\bERECT\b(?!\s+(?:\w+\s+)?(?:SIGNS?|FENCE|TENTS?|SCAFFOLD\w*|BANNERS?|AWNINGS?)\b)/g,
    trades: ['new_construction'],
  },
  { name: 'electrical', pattern: /\b(?:ELECTRICAL|ELEC|ELECTRIC\s+(?:WIRING|SERVICE|PANEL)|WIRING|REWIRE|SERVICE\s+(?:UPGRADE|CHANGE)|PANEL|SUB-?PANEL|\d{3}\s?A(?:MPS?)?|AMPS?|METER|OUTLETS?|LIGHTING|LIGHT\s+FIXTURES?|EV\s+CHARGER|GENERATORS?|LOW\s+VOLTAGE)\b|\bELECTRIC(?=\s*(?:,|AND\b|&))|(?<=(?:,|\bAND|&)\s*)ELECTRIC\b/g, trades: ['electrical'] },
  { name: 'plumbing', pattern: /\b(?:PLUMBING|PLUMB|RE-?PIPE|REPIPING|SEWER|SEPTIC|GAS\s+(?:LINE|PIPING|PIPE)|BACKFLOW|WATER\s+(?:LINE|SERVICE)|DRAIN(?:AGE)?\s+LINE|TOILETS?|PLUMBING\s+FIXTURES?)\b/g, trades: ['plumbing'] },
];

/** Structured types: a type naming one of these is that trade (BLDS PermitTypeMapped, Accela type segments, Chicago types). */
const TYPE_RULES: readonly Rule[] = [
  { name: 'type-electrical', pattern: /\bELECTRIC(?:AL)?\b/, trades: ['electrical'] },
  { name: 'type-plumbing', pattern: /\bPLUMBING\b/, trades: ['plumbing'] },
  { name: 'type-roof', pattern: /\bROOF(?:ING)?\b/, trades: ['roofing'] },
  { name: 'type-pool', pattern: /\bPOOL\b|\bSPA\b/, trades: ['pool'] },
  { name: 'type-demolition', pattern: /\b(?:DEMOLITIONS?|WRECKING)\b/, trades: ['demolition'] },
  { name: 'type-water-heater', pattern: /\bWATER\s+HEATERS?\b/, trades: ['water_heater'] },
  { name: 'type-solar', pattern: /\bSOLAR\b|\bPHOTOVOLTAIC\b/, trades: ['solar'] },
  { name: 'type-new', pattern: /(?:^|\/)\s*NEW\s*(?:\/|$)|\bNEW\s+CONSTRUCTION\b|\bNEW\s+BUILDING\b/, trades: ['new_construction'] },
];

const NEW_BUILDING_WORK_CLASS: Rule = { name: 'work-class-new', pattern: /\bBUILDING\b/, trades: ['new_construction'] };

function withoutNegations(text: string): string {
  return NEGATIONS.reduce((remaining, pattern) => remaining.replace(pattern, ' '), text);
}

function isCommercial(input: TradeInput, text: string): boolean {
  const permitClass = (input.permitClass ?? '').toUpperCase();
  if (/NON[\s-]?RESIDENTIAL|COMMERCIAL/.test(permitClass)) return true;
  if (/RESIDENTIAL/.test(permitClass)) return false;
  return COMMERCIAL.test(text) && !RESIDENTIAL.test(text);
}

/** Classifies one permit into trades; pure and deterministic. */
export function classifyTrades(input: TradeInput): TradeClassification {
  const typeText = withoutNegations([input.permitTypeMapped, input.permitType].filter(Boolean).join(' / ').toUpperCase());
  const description = withoutNegations((input.description ?? '').toUpperCase());
  const allText = `${typeText} ${description}`;
  const trades = new Set<Trade>();
  const rules: string[] = [];
  const beaten = new Set<Trade>();
  const fire = (rule: Rule) => {
    rule.trades.forEach((trade) => trades.add(trade));
    rule.beats?.forEach((trade) => beaten.add(trade));
    rules.push(rule.name);
  };

  for (const rule of TYPE_RULES) if (rule.pattern.test(typeText)) fire(rule);
  // BLDS: WorkClassMapped=New on a Building permit is a new structure.
  if (/^NEW$/i.test(input.workClass ?? '') && /\bBUILDING\b/.test(typeText)) fire(NEW_BUILDING_WORK_CLASS);

  let remaining = description;
  for (const rule of RULES) {
    if (!new RegExp(rule.pattern.source).test(remaining)) continue;
    fire(rule);
    if (rule.consume) remaining = remaining.replace(rule.pattern, ' ');
  }

  const commercial = isCommercial(input, allText);
  const equipment = HVAC_EQUIPMENT.test(remaining);
  const mechanical = MECHANICAL.test(typeText) || MECHANICAL.test(remaining);
  if (equipment) {
    rules.push('hvac-equipment');
    trades.add('hvac');
  } else if (mechanical && !commercial && !NON_HVAC_MECHANICAL.test(remaining)) {
    rules.push('residential-mechanical');
    trades.add('hvac');
  } else if (CHANGE_OUT.test(remaining) && trades.size === 0) {
    rules.push('bare-change-out');
    trades.add('hvac');
  }

  return { trades: TRADES.filter((trade) => trades.has(trade) && !beaten.has(trade)), rules };
}

/** Whether a permit's trades make it an HVAC permit (the source of HVAC leads on every platform). */
export const isHvac = (trades: readonly Trade[]): boolean => trades.includes('hvac');
