import { z } from 'zod';

/** A row: every value arrives as a string (or nested object/boolean); a null value's key is left out. */
export const rowsSchema = z.array(z.record(z.string(), z.unknown()));
export type SocrataRow = z.infer<typeof rowsSchema>[number];

/** `/api/views/{id}.json` as recorded (socrata.md §7): only what the pipeline reads is declared. */
export const viewSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  /** Epoch seconds. */
  rowsUpdatedAt: z.number().optional(),
  columns: z.array(z.looseObject({ fieldName: z.string(), dataTypeName: z.string(), name: z.string().optional() })),
});
export type SocrataView = z.infer<typeof viewSchema>;
