import { NotFoundError } from '../../domain/errors';
import { DEAL_RATINGS } from '../../domain/listings/deal-rating';
import { type AlertFilter, dealDetail, dealStatistics, type DealFilter, exportDealRows, listAlerts, listDeals, marketOfModel } from '../../stores/listings/deal-queries';
import { MARKET_TRENDS, TREND_WINDOW_DAYS } from '../../domain/listings/market-summary';
import type { ListingServiceDependencies } from './dependencies';

type Deps = Pick<ListingServiceDependencies, 'db'>;
type PageRequest = { limit: number; page: number; cursor?: string };
const offsetOf = ({ limit, page, cursor }: PageRequest) => ({ limit, offset: (page - 1) * limit, cursor });

/** A page of rated deals, best margin first. */
export function findDeals(deps: Deps, filter: DealFilter, page: PageRequest) {
  return listDeals(deps.db, filter, offsetOf(page));
}

/** Every rated deal matching the filter, best margin first, as a row stream for an export. */
export function exportDeals(deps: Deps, filter: DealFilter) {
  return exportDealRows(deps.db, filter);
}

/** One deal in detail; NotFoundError (404) when the advert has no deal. */
export async function getDeal(deps: Deps, advertId: string) {
  const deal = await dealDetail(deps.db, advertId);
  if (!deal) throw new NotFoundError(`no deal for advert ${advertId}`);
  return deal;
}

/** Deals by rating (every rating present, zero when none), the average margin, the best makes, daily scraping. */
export async function dealStats(deps: Deps) {
  const { byRating, makes, daily, markets, trends } = await dealStatistics(deps.db);
  const deals_by_rating = Object.fromEntries(DEAL_RATINGS.map((rating) => [rating, 0])) as Record<string, number>;
  let total = 0;
  let marginSum = 0;
  for (const row of byRating) {
    deals_by_rating[row.rating] = row.n;
    total += row.n;
    marginSum += row.margin_sum;
  }
  return {
    total_deals: total,
    deals_by_rating,
    avg_profit_margin: total > 0 ? Math.round((marginSum / total) * 10_000) / 10_000 : null,
    most_profitable_makes: makes,
    daily_scraping_stats: daily,
    market_trends: Object.fromEntries(MARKET_TRENDS.map((trend) => [trend, trends.find((t) => t.trend === trend)?.n ?? 0])),
    markets,
  };
}

/** A page of alerts (of one kind, or all), newest first. */
export function findAlerts(deps: Deps, filter: AlertFilter, page: PageRequest) {
  return listAlerts(deps.db, filter, offsetOf(page));
}

/** One model's market over time; NotFoundError (404) when it was never analysed. */
export async function getMarket(deps: Deps, make: string, model: string) {
  const market = await marketOfModel(deps.db, make, model, TREND_WINDOW_DAYS);
  if (!market) throw new NotFoundError(`no market summary for ${make} ${model}`);
  return market;
}
