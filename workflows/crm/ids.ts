/**
 * What the layers outside workflows (services) may import of the CRM sync by value, as the layer rule
 * allows `workflows/<pipeline>/ids` only: the workflow ids (kept in workflow-ids.ts, which the permit
 * workflows import) and the name of the progress query.
 */
export { crmSyncWorkflowId, normaliseLeadSelection, PENDING_LEADS_SYNC_WORKFLOW_ID } from './workflow-ids';
export { crmSyncProgressQuery } from './sync-progress';
