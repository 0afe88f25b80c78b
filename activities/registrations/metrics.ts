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
