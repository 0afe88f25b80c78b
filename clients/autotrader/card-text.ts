/** Parsers for the short texts on a search-result card ("62,485 miles", "2006 (56 reg)", "£23,995", "Derby (24 miles)"). */

export function parseMileage(text: string): number | null {
  const match = /([\d,]+)\s*miles?/i.exec(text);
  return match ? Number(match[1]!.replace(/,/g, '')) : null;
}

/** "2006 (56 reg)" → year 2006, plate "56"; "1998 (S reg)" → plate "S"; "2024" → no plate. */
export function parseRegisteredYear(text: string): { year: number; plate: string | null } | null {
  const match = /\b((?:19|20)\d{2})\b(?:\s*\(([A-Z0-9]{1,2})\s*reg\))?/i.exec(text);
  return match ? { year: Number(match[1]!), plate: match[2]?.toUpperCase() ?? null } : null;
}

export function parsePrice(text: string): number | null {
  const match = /£\s*([\d,]+)/.exec(text);
  return match ? Number(match[1]!.replace(/,/g, '')) : null;
}

/** "Derby (24 miles)" → town and distance; "Dealer location Derby" (older layout) loses its hidden label. */
export function parseLocation(text: string): { town: string | null; distanceMiles: number | null } {
  const cleaned = text.replace(/^\s*(dealer|seller)\s+location\s*/i, '').replace(/\s+/g, ' ').trim();
  const match = /^(.*?)\s*\((\d[\d,]*)\s*miles?\)\s*$/i.exec(cleaned);
  if (match) return { town: match[1]!.trim() || null, distanceMiles: Number(match[2]!.replace(/,/g, '')) };
  return { town: cleaned || null, distanceMiles: null };
}

export type PriceIndicator = 'great' | 'good' | 'fair' | 'low' | 'high';

/** `data-testid="pi_great"` on a card → "great". */
export function priceIndicatorFromTestId(testId: string): PriceIndicator | null {
  const match = /^pi_(great|good|fair|low|high)$/i.exec(testId);
  return match ? (match[1]!.toLowerCase() as PriceIndicator) : null;
}

export function advertIdFromUrl(url: string): string | null {
  return /\/car-details\/(\d{10,20})/.exec(url)?.[1] ?? null;
}

/** Body, fuel and gearbox as a card's key specs state them; null where the card does not say. */
export interface KeySpecs {
  bodyType: string | null;
  fuelType: string | null;
  gearbox: string | null;
}

/** The site's body types (its `body-type` search filter values). */
const BODY_TYPE = /^(hatchback|saloon|estate|suv|coupe|convertible|mpv|pickup|limousine|minibus|panel van|camper)$/i;
/** The site's fuel types (its `fuel-type` search filter values, ../shared/reference/autotrader.md A1). */
const FUEL_TYPE = /^(petrol|diesel|electric|hybrid|petrol hybrid|petrol plug-in hybrid|diesel hybrid|diesel plug-in hybrid|bi fuel)$/i;
const GEARBOX = /^(manual|automatic)$/i;

/**
 * Reads body, fuel and gearbox out of the older layout's positional key-spec list ("2019 (69 reg)",
 * "Hatchback", "32,000 miles", "1.0L", "100PS", "Manual", "Petrol"), each recognised by its
 * vocabulary rather than its position, since cards leave out items they do not know.
 */
export function parseKeySpecs(specs: readonly string[]): KeySpecs {
  const find = (pattern: RegExp) => specs.map((spec) => spec.trim()).find((spec) => pattern.test(spec)) ?? null;
  return { bodyType: find(BODY_TYPE), fuelType: find(FUEL_TYPE), gearbox: find(GEARBOX) };
}
