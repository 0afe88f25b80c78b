import type { SimulatedVehicle } from './dataset';

/** The `/pojazdy` list as the real API shapes it: key order, meta keys, canonical absolute links. */
export interface ListRequest {
  region: string;
  from: string;
  to: string;
  dateType: string;
  onlyRegistered: string;
  allFields: string;
  limit: number;
  brand?: string;
}

/**
 * The server's canonical query (defaults filled, its own parameter order). Where `filter[...]` goes
 * in the real canonical string is not observed; it is appended last here.
 */
export function canonicalQuery(request: ListRequest, page: number): string {
  const params = [
    `wojewodztwo=${request.region}`,
    `data-od=${request.from}`,
    `data-do=${request.to}`,
    `limit=${request.limit}`,
    `page=${page}`,
    `typ-daty=${request.dateType}`,
    `tylko-zarejestrowane=${request.onlyRegistered}`,
    `pokaz-wszystkie-pola=${request.allFields}`,
    ...(request.brand !== undefined ? [`filter[marka]=${encodeURIComponent(request.brand)}`] : []),
  ];
  return `/pojazdy?${params.join('&')}`;
}

export function listEnvelope(options: {
  baseUrl: string;
  request: ListRequest;
  page: number;
  items: SimulatedVehicle[];
  reportedCount: number;
  lastPage: number;
  hasNext: boolean;
  updatedOn: string;
}) {
  const { baseUrl, request, page } = options;
  const link = (target: number) => `${baseUrl}${canonicalQuery(request, target)}`;
  return {
    data: options.items.map((vehicle) => ({
      id: vehicle.id,
      type: 'pojazdy',
      attributes: vehicle.attributes,
      links: { self: `${baseUrl}/pojazdy/${vehicle.id}` },
    })),
    meta: {
      'json-ld-id': canonicalQuery(request, page),
      schema: `${baseUrl}/www/schema/vehicle.json`,
      'dc:title': 'Lista pojazdów',
      'schema:provider': 'Ministerstwo Cyfryzacji',
      'schema:datePublished': '2019-05-13',
      'schema:dateModified': options.updatedOn,
      'dc:description': 'Lista pojazdów udostępnionych z bazy CEPiK',
      'dc:language': 'pl',
      'sy:updatePeriod': 'weekly',
      'sy:updateFrequency': '1',
      'sy:updateBase': options.updatedOn,
      'schema:contentType': 'application/json',
      'schema:isPartOf': `${baseUrl}/pojazdy`,
      count: options.reportedCount,
      page,
      limit: request.limit,
      'dc:rights': 'brak',
      'schema:keywords': 'pojazdy, cepik, symulator',
    },
    links: {
      first: link(1),
      ...(page > 1 ? { prev: link(page - 1) } : {}),
      self: link(page),
      ...(options.hasNext ? { next: link(page + 1) } : {}),
      last: link(options.lastPage),
    },
  };
}

/** The real error body: an `errors` array, or (as some answers have it) the same fields at the top level. */
export function errorBody(code: string, result: string, reason: string, shape: 'array' | 'root' = 'array') {
  const fields = {
    id: crypto.randomUUID(),
    'error-code': code,
    'error-result': result,
    'error-reason': reason,
    'error-solution': 'Popraw zapytanie i spróbuj ponownie.',
    'error-help': 'https://api.cepik.gov.pl/doc',
  };
  return shape === 'array' ? { errors: [fields] } : fields;
}
