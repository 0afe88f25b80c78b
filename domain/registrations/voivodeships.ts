/** The 16 Polish voivodeships with their TERYT codes, as CEPiK's `wojewodztwo` parameter expects them. */
export interface Voivodeship {
  code: string;
  name: string;
}

export const VOIVODESHIPS: readonly Voivodeship[] = [
  { code: '02', name: 'DOLNOŚLĄSKIE' },
  { code: '04', name: 'KUJAWSKO-POMORSKIE' },
  { code: '06', name: 'LUBELSKIE' },
  { code: '08', name: 'LUBUSKIE' },
  { code: '10', name: 'ŁÓDZKIE' },
  { code: '12', name: 'MAŁOPOLSKIE' },
  { code: '14', name: 'MAZOWIECKIE' },
  { code: '16', name: 'OPOLSKIE' },
  { code: '18', name: 'PODKARPACKIE' },
  { code: '20', name: 'PODLASKIE' },
  { code: '22', name: 'POMORSKIE' },
  { code: '24', name: 'ŚLĄSKIE' },
  { code: '26', name: 'ŚWIĘTOKRZYSKIE' },
  { code: '28', name: 'WARMIŃSKO-MAZURSKIE' },
  { code: '30', name: 'WIELKOPOLSKIE' },
  { code: '32', name: 'ZACHODNIOPOMORSKIE' },
];

/** Upper-case ASCII form: `Ł` has no Unicode decomposition, so it is mapped by hand. */
export function asciiFold(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toUpperCase();
}

const byKey = new Map<string, Voivodeship>(
  VOIVODESHIPS.flatMap((voivodeship) => [
    [voivodeship.code, voivodeship],
    [asciiFold(voivodeship.name), voivodeship],
  ]),
);

/** Finds a voivodeship by code (`24`, also `2` → `02`-style padding) or name in any case, with or without diacritics. */
export function resolveVoivodeship(input: string): Voivodeship | undefined {
  const trimmed = input.trim();
  if (/^\d{1,2}$/.test(trimmed)) return byKey.get(trimmed.padStart(2, '0'));
  return byKey.get(asciiFold(trimmed).replace(/\s+/g, '-'));
}
