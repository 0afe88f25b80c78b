import type { Settings } from '../config/settings';
import type { FailureMapper } from '../temporal/activity-failures';
import { highLevelFailureMapper } from './crm/failures';
import { createCrmSyncActivities } from './crm/sync-activities';
import type { ActivityDependencies } from './dependencies';
import { createListingBrowserActivities, createListingHttpActivities } from './listings';
import { autotraderFailureMapper } from './listings/failures';
import { accelaFailureMapper, openDataFailureMapper } from './permits/failures';
import { createPermitActivities } from './permits/pull-activities';
import { createBrowserProbeActivities } from './platform/browser-probe';
import { createPlatformActivities } from './platform/self-test';
import { createRegistrationActivities } from './registrations/activities';
import { cepikFailureMapper } from './registrations/failures';

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

/**
 * Each source's translation of its client errors into typed Temporal failures, applied once by the
 * workers' activity interceptor (temporal/activity-failures.ts); each source adds its mapper here.
 */
export function createFailureMappers(settings: Settings): FailureMapper[] {
  return [accelaFailureMapper, openDataFailureMapper, cepikFailureMapper, highLevelFailureMapper, autotraderFailureMapper(settings)];
}
