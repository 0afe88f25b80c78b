/**
 * The body a card's subtitle names. The 2025–26 search card and the gateway JSON carry no body
 * field, but a derivative name spells out a body other than the model's usual one, e.g. the real
 * capture F1 (../shared/reference/autotrader.md A2): "3.6 997 Carrera Cabriolet 2dr",
 * "3.6 996 Targa Tiptronic S 2dr", "3.8 997 Carrera S Cabriolet PDK 2dr", beside plain
 * "3.8 997 Carrera S 2dr" coupés. The usual body goes unnamed, so a subtitle without a body word
 * says nothing (null), not "hatchback".
 *
 * Bodies are the site's `body-type` filter values, the vocabulary the older layout's key specs use
 * (`parseKeySpecs`), so a body read here and one stated on a card are the same level.
 */

export type BodyType = 'Hatchback' | 'Saloon' | 'Estate' | 'SUV' | 'Coupe' | 'Convertible' | 'MPV' | 'Pickup';

/**
 * Two-word body names of derivatives, read before single words: Vauxhall's "Sports Tourer",
 * Toyota's "Touring Sports", Mercedes' "Shooting Brake" are estates; BMW's "Gran Tourer" is an MPV.
 * A phrase whose first word is also a trim is not one: in "1.6 i-DTEC Sport Tourer" (a Civic Tourer
 * in Sport trim) or "1.6 CRDi Active Tourer" (an i30 Tourer in Active trim) only "Tourer" is the
 * body and the trim keeps its word; so Renault's "Sport Tourer" reads as an estate through
 * "Tourer", and BMW's "Active Tourer" (the site files it as a model of its own) would too.
 */
const BODY_PHRASES: ReadonlyArray<[string, string, BodyType]> = [
  ['sports', 'tourer', 'Estate'],
  ['touring', 'sports', 'Estate'],
  ['shooting', 'brake', 'Estate'],
  ['gran', 'tourer', 'MPV'],
  ['pick', 'up', 'Pickup'],
];

/** Single body words of derivative names (case-insensitive, whole words; accents ignored: "Coupé"). */
const BODY_WORDS: ReadonlyMap<string, BodyType> = new Map([
  ['estate', 'Estate'],
  ['tourer', 'Estate'],
  ['touring', 'Estate'],
  ['avant', 'Estate'],
  ['sportswagon', 'Estate'],
  ['sportwagon', 'Estate'],
  ['cabriolet', 'Convertible'],
  ['cabrio', 'Convertible'],
  ['convertible', 'Convertible'],
  ['roadster', 'Convertible'],
  ['spider', 'Convertible'],
  ['spyder', 'Convertible'],
  ['volante', 'Convertible'],
  // A removable roof panel over open sides; the site's filter has no targa, and an open roof is what a convertible is.
  ['targa', 'Convertible'],
  ['coupe', 'Coupe'],
  ['saloon', 'Saloon'],
  ['sportback', 'Hatchback'],
  ['hatchback', 'Hatchback'],
  ['hatch', 'Hatchback'],
  ['suv', 'SUV'],
  ['mpv', 'MPV'],
  ['pickup', 'Pickup'],
]);

/** Abbreviations that are body names only in capitals (Peugeot's "308 SW" estate). */
const BODY_ABBREVIATIONS: ReadonlyMap<string, BodyType> = new Map([['SW', 'Estate']]);

/** "GT3 Touring" (Porsche) is a coupé's trim: after a GT name, "Touring" is not an estate. */
const GT_NAME = /^gt\d?[a-z]?$/i;

export interface SubtitleBody {
  bodyType: BodyType | null;
  /** Positions of the body's words among the subtitle's whitespace-separated tokens (not part of the trim). */
  tokenIndexes: ReadonlySet<number>;
}

/** A token as a body word is compared: lower case, no accents, no surrounding punctuation ("(Coupé)," → "coupe"). */
function normalise(token: string): string {
  return token
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .toLowerCase();
}

/**
 * The body the subtitle names, and which of its tokens name it. When it names more than one, a
 * convertible wins (a "Coupe Cabriolet" has a folding roof), else the first named.
 */
export function readSubtitleBody(subtitle: string | null): SubtitleBody {
  const tokens = (subtitle ?? '').trim().split(/\s+/).filter((token) => token.length > 0);
  const words = tokens.map(normalise);
  const found: Array<{ bodyType: BodyType; indexes: number[] }> = [];
  for (let i = 0; i < tokens.length; i++) {
    const phrase = BODY_PHRASES.find(([first, second]) => words[i] === first && words[i + 1] === second);
    if (phrase) {
      found.push({ bodyType: phrase[2], indexes: [i, i + 1] });
      i += 1;
      continue;
    }
    const abbreviation = BODY_ABBREVIATIONS.get(tokens[i]!.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''));
    const word = abbreviation ?? BODY_WORDS.get(words[i]!);
    if (!word) continue;
    if (words[i] === 'touring' && i > 0 && GT_NAME.test(words[i - 1]!)) continue;
    found.push({ bodyType: word, indexes: [i] });
  }
  const chosen = found.find((f) => f.bodyType === 'Convertible') ?? found[0];
  return { bodyType: chosen?.bodyType ?? null, tokenIndexes: new Set(found.flatMap((f) => f.indexes)) };
}

/**
 * The body of a car whose subtitle names none, as a level of the valuation's body feature: the
 * model's usual body, whichever that is. Not a site body type, never stored.
 */
export const USUAL_BODY = 'usual';

/** The body a subtitle names ("1.5 TSI SE Estate 5dr" → Estate), or null when it names none (the model's usual body). */
export function bodyTypeFromSubtitle(subtitle: string | null): BodyType | null {
  return readSubtitleBody(subtitle).bodyType;
}
