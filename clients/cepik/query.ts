import { type IsoDate, toCepikDate } from '../../domain/registrations/dates';

export interface VehicleQuery {
  voivodeshipCode: string;
  from: IsoDate;
  to: IsoDate;
  /** Upper-case `marka` dictionary key; omitted for every brand. */
  brand?: string;
}

/**
 * The first `/pojazdy` page of a query, parameters in the API's canonical order; `typ-daty=1` selects
 * the first registration in Poland. Brackets stay literal and the value is percent-encoded (`%20`, not `+`).
 */
export function firstPageUrl(baseUrl: string, query: VehicleQuery, pageSize: number): string {
  const params = [
    `wojewodztwo=${encodeURIComponent(query.voivodeshipCode)}`,
    `data-od=${toCepikDate(query.from)}`,
    `data-do=${toCepikDate(query.to)}`,
    'typ-daty=1',
    ...(query.brand ? [`filter[marka]=${encodeURIComponent(query.brand)}`] : []),
    `limit=${pageSize}`,
    'page=1',
  ];
  return `${baseUrl.replace(/\/+$/, '')}/pojazdy?${params.join('&')}`;
}

/** A `links.next` URL moved onto the configured base URL (a proxy or the simulator keeps working). */
export function onBaseUrl(link: string, baseUrl: string): string {
  const target = new URL(link);
  const base = new URL(baseUrl);
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${target.pathname}${target.search}`;
}
