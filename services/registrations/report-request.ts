import type { Settings } from '../../config/settings';
import { InvalidRequestError } from '../../domain/errors';
import { KNOWN_BRANDS, normaliseBrands } from '../../domain/registrations/brands';
import { resolveVoivodeship, type Voivodeship } from '../../domain/registrations/voivodeships';

/** A report as asked for, before validation; what is left out takes the configured default. */
export interface ReportQuery {
  region: string;
  monthsBack?: number;
  windowMonths?: number;
  brands?: readonly string[];
  refresh?: boolean;
}

/** A report request after validation: what the cache is keyed by, and whether to bypass it. */
export interface ReportRequest {
  region: Voivodeship;
  monthsBack: number;
  windowMonths: number;
  brands: string[];
  refresh: boolean;
}

/** Validates region and brands into a request; throws InvalidRequestError naming what is wrong. */
export function parseReportRequest(query: ReportQuery, settings: Settings): ReportRequest {
  const region = resolveVoivodeship(query.region);
  if (!region) {
    throw new InvalidRequestError(
      `region: unknown voivodeship '${query.region}'; use a code 02…32 or a name such as 24, slaskie or ŚLĄSKIE (GET /api/regions lists them)`,
    );
  }
  const { brands, unknown } = normaliseBrands(query.brands ?? settings.CEPIK_DEFAULT_BRANDS);
  if (unknown.length > 0) throw new InvalidRequestError(`brands: unknown brand ${unknown.join(', ')}; known brands: ${[...KNOWN_BRANDS].join(', ')}`);
  if (brands.length === 0) throw new InvalidRequestError('brands: name at least one brand');
  return {
    region,
    monthsBack: query.monthsBack ?? settings.CEPIK_MONTHS_BACK,
    windowMonths: query.windowMonths ?? settings.CEPIK_WINDOW_MONTHS,
    brands,
    refresh: query.refresh ?? false,
  };
}
