import { z } from 'zod';

/** One `/pojazdy` list item as recorded from the real API; extra attributes (`pokaz-wszystkie-pola`) pass through. */
export const vehicleSchema = z.object({
  id: z.string().regex(/^\d{1,20}$/, 'id must be a numeric string'),
  type: z.literal('pojazdy'),
  attributes: z.looseObject({
    marka: z.string().nullable(),
    model: z.string().nullable().optional(),
    'rodzaj-pojazdu': z.string().nullable().optional(),
    'pochodzenie-pojazdu': z.string().nullable().optional(),
    'rok-produkcji': z.string().nullable().optional(),
    'data-pierwszej-rejestracji-w-kraju': z.iso.date(),
    'pojemnosc-skokowa-silnika': z.number().nullable().optional(),
    'rodzaj-paliwa': z.string().nullable().optional(),
    'wojewodztwo-kod': z.string().regex(/^\d{2}$|^XX$/),
  }),
  links: z.object({ self: z.url() }).optional(),
});
export type CepikVehicle = z.infer<typeof vehicleSchema>;

/** The list envelope; items are validated one by one so one bad record does not lose the page. */
export const vehicleListSchema = z.object({
  data: z.array(z.unknown()),
  meta: z.looseObject({ count: z.number().int(), page: z.number().int(), limit: z.number().int() }),
  links: z.looseObject({
    first: z.url().optional(),
    prev: z.url().optional(),
    self: z.url().optional(),
    next: z.url().optional(),
    last: z.url().optional(),
  }),
});

const errorFieldsSchema = z.looseObject({
  id: z.string().optional(),
  'error-code': z.string().optional(),
  'error-result': z.string().optional(),
  'error-reason': z.string().optional(),
  'error-solution': z.string().optional(),
  'error-help': z.string().optional(),
});
export type CepikErrorFields = z.infer<typeof errorFieldsSchema>;

/** Both shapes seen in the wild: `{"errors":[{…}]}` and the same fields at the top level. */
export function parseErrorBody(body: unknown): CepikErrorFields | undefined {
  const wrapped = z.object({ errors: z.array(errorFieldsSchema).min(1) }).safeParse(body);
  if (wrapped.success) return wrapped.data.errors[0];
  const flat = errorFieldsSchema.safeParse(body);
  if (flat.success && (flat.data['error-code'] || flat.data['error-reason'])) return flat.data;
  return undefined;
}
