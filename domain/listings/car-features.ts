import { readSubtitleBody, USUAL_BODY } from './body-type';

/**
 * What a search card says about a car, read into the features the valuation compares: the engine
 * and trim from the subtitle ("1.0 EcoBoost ST-Line 5dr"), the registration half-year from the
 * plate ("2019 (69 reg)"), and the categorical facts the card may show (seller, body, fuel, gearbox).
 */

/** A listing as the valuation sees it: only what the search card shows. */
export interface PricedCar {
  id: string;
  price: number;
  year: number;
  /** The two-digit UK plate code ("19" March–August 2019, "69" September 2019–February 2020), when shown. */
  plate: string | null;
  mileage: number;
  /** The card subtitle, e.g. "1.0 EcoBoost ST-Line 5dr": engine, trim, doors. */
  subtitle: string | null;
  sellerType: 'private' | 'trade';
  /** Body, fuel and gearbox as stored (older layout's key specs, the body a subtitle names, the search's filters); null when unknown. */
  body?: string | null;
  fuel?: string | null;
  gearbox?: string | null;
}

export interface SubtitleParts {
  /** Displacement and engine family, e.g. "1.0 EcoBoost", "2.0 TDI 150"; null when the subtitle names none. */
  engine: string | null;
  /** What remains once engine, body, doors and gearbox words are taken out, e.g. "ST-Line", "GT Line S". */
  trim: string | null;
  /** "5dr", "3dr" */
  doors: string | null;
  /** The body a derivative name spells out ("Estate", "Cabriolet" → Convertible); null for the model's usual, unnamed body. */
  body: string | null;
}

const DISPLACEMENT = /^\d\.\d[a-z]{0,2}$/i;
const DOORS = /^\d+dr$/i;
/** Power figures ("150", "150PS", "110hp", "84kW") and engine families and fuel-system words that follow a displacement. */
const ENGINE_WORD =
  /^(\d{2,3}(ps|hp|bhp|kw)?|[a-z]*-?(tsi|tfsi|tdi|gdi|t-gdi|crdi|dci|tce|hdi|bluehdi|puretech|ecoboost|ecoblue|vtec|i-vtec|skyactiv-?[gdx]?|mhev|phev|hev|hybrid|turbo|d|t|i|e-tsi|e-hybrid|kwh|mild))$/i;
/** Gearbox words that some subtitles carry at the end. */
const GEARBOX_WORD = /^(auto|automatic|manual|dsg|dct|cvt|edc|s-tronic|tiptronic|pdk|steptronic|powershift|e-cvt)$/i;

/**
 * Splits a subtitle into engine, trim, doors and body; a subtitle without a displacement has no
 * engine part. The body's words are not trim: "SE Estate" is the SE trim in an estate body.
 */
export function parseSubtitle(subtitle: string | null): SubtitleParts {
  const tokens = (subtitle ?? '').trim().split(/\s+/).filter((token) => token.length > 0);
  const body = readSubtitleBody(subtitle);
  const engine: string[] = [];
  const trim: string[] = [];
  let doors: string | null = null;
  let inEngine = false;
  for (const [index, token] of tokens.entries()) {
    if (body.tokenIndexes.has(index)) {
      inEngine = false;
    } else if (DOORS.test(token)) {
      doors = token.toLowerCase();
      inEngine = false;
    } else if (GEARBOX_WORD.test(token)) {
      inEngine = false;
    } else if (engine.length === 0 && DISPLACEMENT.test(token)) {
      engine.push(token);
      inEngine = true;
    } else if (inEngine && ENGINE_WORD.test(token)) {
      engine.push(token);
    } else {
      trim.push(token);
      inEngine = false;
    }
  }
  const joined = (parts: string[]) => (parts.length > 0 ? parts.join(' ') : null);
  return { engine: joined(engine), trim: joined(trim), doors, body: body.bodyType };
}

/**
 * The first day a car of this year and plate can have been registered: plate "19" is 1 March 2019,
 * "69" 1 September 2019. Without a plate (or one that disagrees with the year) the car is taken as
 * registered mid-year.
 */
export function registrationDate(year: number, plate: string | null): Date {
  const code = plate !== null && /^\d{2}$/.test(plate) ? Number(plate) : null;
  if (code !== null) {
    const september = code >= 50;
    const plateYear = 2000 + (september ? code - 50 : code);
    // A September plate is also issued in January and February of the next year.
    if (plateYear === year || (september && plateYear === year - 1)) return new Date(Date.UTC(plateYear, september ? 8 : 2, 1));
  }
  return new Date(Date.UTC(year, 6, 1));
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** Age in years on `asOf` from the plate's half-year (never below zero). */
export function ageInYears(car: Pick<PricedCar, 'year' | 'plate'>, asOf: Date): number {
  return Math.max(0, (asOf.getTime() - registrationDate(car.year, car.plate).getTime()) / YEAR_MS);
}

/**
 * The categorical features of a car, by name; null where the card does not say. The body is the
 * stated one (a key spec, or `listings.body_type`), else the one the subtitle names (so a listing
 * stored before its body was read from the subtitle is compared like one stored after), else the
 * model's usual body: a subtitle that names no body does say something, it is not an unknown. As
 * its own level it is compared with the named ones, whichever body most cars of the pool have
 * (an unknown would be taken as the commonest named body).
 */
export function categoricalFeatures(car: PricedCar): Record<CategoricalFeature, string | null> {
  const { engine, trim, doors, body } = parseSubtitle(car.subtitle);
  const lower = (value: string | null | undefined) => (value ? value.toLowerCase() : null);
  return {
    engine: lower(engine),
    trim: lower(trim),
    doors,
    seller: car.sellerType,
    body: lower(car.body ?? body ?? (car.subtitle ? USUAL_BODY : null)),
    fuel: lower(car.fuel),
    gearbox: lower(car.gearbox),
  };
}

export const CATEGORICAL_FEATURES = ['engine', 'trim', 'doors', 'seller', 'body', 'fuel', 'gearbox'] as const;
export type CategoricalFeature = (typeof CATEGORICAL_FEATURES)[number];
