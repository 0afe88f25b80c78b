// The workflow bundle's entry point: every workflow type the workers run is exported here.
export { platformSelfTestWorkflow } from './platform/self-test';
export { cepikLeaseExpiryReportWorkflow } from './registrations/lease-expiry-report';
export { syncLeadsToCrmWorkflow } from './crm/sync-leads';
export { accelaHistoricalPullWorkflow } from './permits/historical-pull';
export { accelaYearPullWorkflow } from './permits/year-pull';
export { accelaIncrementalPullWorkflow } from './permits/incremental-pull';
export { scrapeModelWorkflow } from './listings/scrape-model';
export { scrapeBatchWorkflow } from './listings/scrape-batch';
