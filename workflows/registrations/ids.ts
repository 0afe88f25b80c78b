import type { DateWindow } from '../../domain/registrations/windows';

/**
 * Workflow ids of the CEPiK pipeline. One id per region, window and brand set, so concurrent requests
 * for the same report share one run (conflict policy USE_EXISTING). Only ids and codes: no personal data.
 */
export function leaseExpiryWorkflowId(regionCode: string, window: DateWindow, brands: readonly string[]): string {
  const brandKey = [...brands].sort().join(',').toLowerCase().replace(/\s+/g, '_');
  return `cepik-lease-expiry:${regionCode}:${window.from}:${window.to}:${brandKey}`;
}

export const LEASE_EXPIRY_WORKFLOW_ID_PATTERN = /^cepik-lease-expiry:[\w:.,+-]{1,400}$/;

export function leaseExpiryScheduleId(regionCode: string): string {
  return `cepik-lease-expiry-daily:${regionCode}`;
}
