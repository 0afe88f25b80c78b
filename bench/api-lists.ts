import type { ListCursor } from '../domain/list-cursor';
import type { ListQuery } from '../platform/list-query';
import { leadListCursor, leadListQuery } from '../services/permits/leads';
import { permitListCursor, permitListQuery, propertyListCursor, propertyListQuery } from '../services/permits/permits';
import { alertListCursor, alertListQuery, dealListCursor, dealListQuery } from '../stores/listings/deal-queries';

export const BENCH_API_KEY = 'bench-api-key-0123456789';

/** A list endpoint of `npm run bench api`, and the statement builder and cursor its route uses (for the bare server). */
export interface BenchList {
  path: string;
  table: string;
  limit: number;
  /** How the route skips rows: `offset`, or a 1-based `page` of `limit` rows. */
  offsetParameter: 'offset' | 'page';
  query: () => ListQuery;
  cursor: ListCursor;
}

export const BENCH_LISTS: readonly BenchList[] = [
  { path: '/api/permits', table: 'permits', limit: 100, offsetParameter: 'offset', query: () => permitListQuery({}), cursor: permitListCursor },
  { path: '/api/properties', table: 'properties', limit: 100, offsetParameter: 'offset', query: () => propertyListQuery({}), cursor: propertyListCursor },
  { path: '/api/leads', table: 'leads', limit: 100, offsetParameter: 'offset', query: () => leadListQuery({}), cursor: leadListCursor },
  { path: '/api/deals', table: 'deals', limit: 20, offsetParameter: 'page', query: () => dealListQuery({}), cursor: dealListCursor },
  { path: '/api/alerts', table: 'deal_alerts', limit: 20, offsetParameter: 'page', query: () => alertListQuery(), cursor: alertListCursor },
];
