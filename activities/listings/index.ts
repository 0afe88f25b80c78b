import type { ActivityDependencies } from '../dependencies';
import { createDealActivities } from './deal-activities';
import { createScrapeRunActivities } from './run-activities';
import { createListingScrapeActivities } from './scrape-activity';

/** Listing activities on the HTTP queue (PostgreSQL only): run book-keeping and deal analysis. */
export function createListingHttpActivities(deps: ActivityDependencies) {
  return { ...createScrapeRunActivities(deps), ...createDealActivities(deps) };
}

/** Listing activities on the browser queue: the Playwright scrape. */
export function createListingBrowserActivities(deps: ActivityDependencies) {
  return createListingScrapeActivities(deps);
}
