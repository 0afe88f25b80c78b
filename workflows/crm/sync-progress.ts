import { defineQuery } from '@temporalio/workflow';

/** What a CRM sync run has done so far (counts only). */
export interface CrmSyncProgress {
  status: 'running' | 'completed' | 'failed' | 'not_configured';
  total: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  requests: number;
}

export const crmSyncProgressQuery = defineQuery<CrmSyncProgress>('crmSyncProgress');
