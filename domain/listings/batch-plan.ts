import { FLEET, type FleetModel, FLEET_MODELS } from './fleet';

export interface ScrapeBatch {
  /** Stable id, used in schedule and workflow ids: `low-volume`, `brand-kia`, `model-ford-fiesta`. */
  id: string;
  label: string;
  models: Array<Pick<FleetModel, 'make' | 'model'>>;
  /** Minutes after midnight UTC at which the batch starts each day. */
  startMinuteUtc: number;
}

export function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/\+/g, '-plus')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The daily plan: all LOW brands together in one batch, each MEDIUM and HIGH brand a batch of its
 * own, each MASSIVE brand's models one batch per model. Start times are spread evenly over the
 * 24 hours, so every model is scraped once a day and the load stays flat.
 */
export function planBatches(): ScrapeBatch[] {
  const batches: Array<Omit<ScrapeBatch, 'startMinuteUtc'>> = [];
  const low = FLEET.filter((brand) => brand.category === 'LOW');
  batches.push({
    id: 'low-volume',
    label: `Low-volume brands (${low.map((b) => b.make).join(', ')})`,
    models: low.flatMap((brand) => brand.models.map((model) => ({ make: brand.make, model }))),
  });
  for (const brand of FLEET.filter((b) => b.category === 'MEDIUM' || b.category === 'HIGH')) {
    batches.push({ id: `brand-${slug(brand.make)}`, label: brand.make, models: brand.models.map((model) => ({ make: brand.make, model })) });
  }
  for (const { make, model } of FLEET_MODELS.filter((entry) => entry.category === 'MASSIVE')) {
    batches.push({ id: `model-${slug(make)}-${slug(model)}`, label: `${make} ${model}`, models: [{ make, model }] });
  }
  const spacing = (24 * 60) / batches.length;
  return batches.map((batch, index) => ({ ...batch, startMinuteUtc: Math.floor(index * spacing) }));
}
