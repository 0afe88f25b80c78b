import { CepikError } from '../../clients/cepik/errors';
import { Counter } from 'prom-client';
import { metricsRegistry } from '../../platform/metrics';

export const cepikPagesTotal = new Counter({
  name: 'prospector_cepik_pages_total',
  help: 'CEPiK /pojazdy requests by outcome (ok or the error kind)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const cepikVehiclesTotal = new Counter({
  name: 'prospector_cepik_vehicles_total',
  help: 'CEPiK vehicles received (stored or rejected)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/** Counts a page request by its outcome (ok or the client's error kind) and passes its result or error on. */
export function countedPageRequest<T>(request: Promise<T>): Promise<T> {
  return request.then(
    (page) => {
      cepikPagesTotal.inc({ outcome: 'ok' });
      return page;
    },
    (error: unknown) => {
      cepikPagesTotal.inc({ outcome: error instanceof CepikError ? error.kind : 'error' });
      throw error;
    },
  );
}
