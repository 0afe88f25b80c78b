/** Workflow and schedule ids of the listing pipeline: one model has one scrape at a time. */
const slug = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/\+/g, '-plus')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function scrapeModelWorkflowId(make: string, model: string): string {
  return `autotrader-scrape:${slug(make)}:${slug(model)}`;
}

export function scrapeBatchWorkflowId(batchId: string): string {
  return `autotrader-batch:${batchId}`;
}

export function scrapeBatchScheduleId(batchId: string): string {
  return `autotrader-batch:${batchId}`;
}
