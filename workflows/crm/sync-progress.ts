import { defineQuery } from '@temporalio/workflow';
import type { CrmSyncProgress } from '../../domain/crm/sync-progress';

export const crmSyncProgressQuery = defineQuery<CrmSyncProgress>('crmSyncProgress');
