import { z } from 'zod';
import { type CepikVehicle, vehicleListSchema, vehicleSchema } from './schemas';

export interface RejectedVehicle {
  externalId: string | null;
  reason: string;
  payload: unknown;
}

export interface VehiclePage {
  vehicles: CepikVehicle[];
  rejected: RejectedVehicle[];
  /** Absent on the last page: the only reliable end-of-results signal. */
  nextUrl: string | undefined;
  meta: { count: number; page: number; limit: number };
  /** `meta.count == limit + 1`: the API's placeholder for "more than one page", not a total. */
  countIsPlaceholder: boolean;
}

/** Validates a `/pojazdy` envelope, keeping each item that fails validation aside with the reason. */
export function parseVehiclePage(body: unknown): { ok: true; page: VehiclePage } | { ok: false; reason: string } {
  const envelope = vehicleListSchema.safeParse(body);
  if (!envelope.success) return { ok: false, reason: `not a /pojazdy list: ${z.prettifyError(envelope.error)}` };
  const vehicles: CepikVehicle[] = [];
  const rejected: RejectedVehicle[] = [];
  for (const item of envelope.data.data) {
    const parsed = vehicleSchema.safeParse(item);
    if (parsed.success) {
      vehicles.push(parsed.data);
    } else {
      const id = (item as { id?: unknown } | null)?.id;
      rejected.push({ externalId: typeof id === 'string' ? id : null, reason: z.prettifyError(parsed.error), payload: item });
    }
  }
  const { count, page, limit } = envelope.data.meta;
  return {
    ok: true,
    page: {
      vehicles,
      rejected,
      nextUrl: envelope.data.links.next,
      meta: { count, page, limit },
      countIsPlaceholder: count === limit + 1,
    },
  };
}
