/**
 * Brands a report may ask for: CEPiK `marka` dictionary keys (upper case, as `filter[marka]` needs
 * them exactly). Limited to passenger-car brands a lease-expiry report makes sense for.
 */
export const KNOWN_BRANDS: ReadonlySet<string> = new Set([
  'ALFA ROMEO', 'AUDI', 'BMW', 'CITROEN', 'CUPRA', 'DACIA', 'DS', 'FIAT', 'FORD', 'GENESIS', 'HONDA', 'HYUNDAI',
  'INFINITI', 'JAGUAR', 'JEEP', 'KIA', 'LAND ROVER', 'LEXUS', 'MASERATI', 'MAZDA', 'MERCEDES-BENZ', 'MINI',
  'MITSUBISHI', 'NISSAN', 'OPEL', 'PEUGEOT', 'POLESTAR', 'PORSCHE', 'RENAULT', 'SEAT', 'SKODA', 'SUBARU', 'SUZUKI',
  'TESLA', 'TOYOTA', 'VOLKSWAGEN', 'VOLVO',
]);

export const DEFAULT_BRANDS = ['TESLA', 'BMW', 'MERCEDES-BENZ', 'AUDI', 'VOLVO'] as const;

/** Upper-cased, trimmed, de-duplicated brands, and those not in the dictionary. */
export function normaliseBrands(input: readonly string[]): { brands: string[]; unknown: string[] } {
  const brands = [...new Set(input.map((brand) => brand.trim().toUpperCase()).filter((brand) => brand.length > 0))];
  return { brands, unknown: brands.filter((brand) => !KNOWN_BRANDS.has(brand)) };
}
