/** Workflow ids of the CRM sync: one run per selection at a time (the id is the selection). */
export const PENDING_LEADS_SYNC_WORKFLOW_ID = 'crm-sync:pending';

/** FNV-1a, 32 bits: a short, stable digest of a selection (not a security measure). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

export function normaliseLeadSelection(leadIds: readonly number[]): number[] {
  return [...new Set(leadIds)].sort((a, b) => a - b);
}

/** `crm-sync:pending` for all pending leads, else one id per distinct set of leads (order and repeats ignored). */
export function crmSyncWorkflowId(leadIds: readonly number[]): string {
  const selection = normaliseLeadSelection(leadIds);
  if (selection.length === 0) return PENDING_LEADS_SYNC_WORKFLOW_ID;
  if (selection.length <= 5) return `crm-sync:leads:${selection.join(',')}`;
  return `crm-sync:leads:${selection.length}-${fnv1a(selection.join(','))}`;
}
