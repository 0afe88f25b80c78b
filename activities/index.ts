import { createCrmSyncActivities } from './crm/sync-activities';
import type { ActivityDependencies } from './dependencies';
import { createListingBrowserActivities, createListingHttpActivities } from './listings';
import { createPermitActivities } from './permits/pull-activities';
import { createBrowserProbeActivities } from './platform/browser-probe';
import { createPlatformActivities } from './platform/self-test';
import { createRegistrationActivities } from './registrations/activities';

/**
 * Activities for the `http` task queue: external API pulls and PostgreSQL writes.
 * Each source adds its factory here.
 */
export function createHttpActivities(deps: ActivityDependencies) {
  return {
    ...createPlatformActivities(deps),
    ...createPermitActivities(deps),
    ...createCrmSyncActivities(deps),
    ...createRegistrationActivities(deps),
    ...createListingHttpActivities(deps),
  };
}

/** Activities for the `browser` task queue (Playwright); each browser-driven source adds its factory here. */
export function createBrowserActivities(deps: ActivityDependencies) {
  return {
    ...createBrowserProbeActivities(deps),
    ...createListingBrowserActivities(deps),
  };
}

export type HttpActivities = ReturnType<typeof createHttpActivities>;
