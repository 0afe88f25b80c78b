import { Counter } from 'prom-client';
import { metricsRegistry } from '../../platform/metrics';

export const crmLeadsSynced = new Counter({
  name: 'prospector_crm_leads_synced_total',
  help: 'Leads pushed to HighLevel by outcome (created, updated, skipped, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
