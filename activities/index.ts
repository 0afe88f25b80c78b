import type { ActivityDependencies } from './dependencies';
import { createBrowserProbeActivities } from './platform/browser-probe';
import { createPlatformActivities } from './platform/self-test';

/**
 * Activities for the `http` task queue: external API pulls and PostgreSQL writes.
 * Each source adds its factory here.
 */
export function createHttpActivities(deps: ActivityDependencies) {
  return {
    ...createPlatformActivities(deps),
  };
}

/** Activities for the `browser` task queue (Playwright); each browser-driven source adds its factory here. */
export function createBrowserActivities(deps: ActivityDependencies) {
  return {
    ...createBrowserProbeActivities(deps),
  };
}

export type HttpActivities = ReturnType<typeof createHttpActivities>;
