/** What a CRM sync run has done so far (counts only): the workflow's query answer and the run's row. */
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
