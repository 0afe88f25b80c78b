import { z } from 'zod';

/** `{"error":{…}}`, which ArcGIS sends with HTTP 200. */
export const errorBodySchema = z.looseObject({
  error: z.looseObject({ code: z.number(), message: z.string().optional(), details: z.array(z.string()).nullish() }),
});

const fieldSchema = z.looseObject({ name: z.string(), type: z.string(), alias: z.string().optional() });

/** Layer metadata (`<layer>?f=json`), recorded fixtures A1–A2: only what the pipeline reads is declared. */
export const layerSchema = z.looseObject({
  currentVersion: z.number().optional(),
  name: z.string(),
  type: z.string().optional(),
  /** Absent on old servers (A2): then the `esriFieldTypeOID` field is the id. */
  objectIdField: z.string().optional(),
  fields: z.array(fieldSchema).nullish(),
  maxRecordCount: z.number().int().positive().optional(),
  advancedQueryCapabilities: z.looseObject({ supportsPagination: z.boolean().optional(), supportsOrderBy: z.boolean().optional() }).optional(),
  /** Epoch ms of the last edit: the source's own last-modified time (newer servers). */
  editingInfo: z.looseObject({ lastEditDate: z.number().nullish() }).nullish(),
});
export type ArcGisLayer = z.infer<typeof layerSchema>;

/** A query page (A5, A6): old answers have no `fields` and no `exceededTransferLimit`. */
export const featurePageSchema = z.looseObject({
  features: z.array(z.looseObject({ attributes: z.record(z.string(), z.unknown()) })),
  fields: z.array(fieldSchema).optional(),
  exceededTransferLimit: z.boolean().optional(),
});
export type FeaturePage = z.infer<typeof featurePageSchema>;

export const countSchema = z.looseObject({ count: z.number().int().nonnegative() });
/** A4: old servers omit `objectIdFieldName`; an empty result may give `objectIds: null`. */
export const idsSchema = z.looseObject({ objectIdFieldName: z.string().optional(), objectIds: z.array(z.number().int()).nullable() });

/** The layer's object id field: `objectIdField`, else the field typed `esriFieldTypeOID`. */
export function objectIdFieldOf(layer: ArcGisLayer): string | null {
  return layer.objectIdField ?? layer.fields?.find((field) => field.type === 'esriFieldTypeOID')?.name ?? null;
}

/** Whether `resultOffset`/`resultRecordCount` paging works (10.3+); otherwise ids first, then `objectIds` chunks. */
export const supportsPagination = (layer: ArcGisLayer): boolean => layer.advancedQueryCapabilities?.supportsPagination === true;
