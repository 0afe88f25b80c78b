import { z } from '@hono/zod-openapi';
import { cursorParameter } from '../envelope';
import { integerParameter } from '../input-schemas';

/** Schemas and row views shared by the permit pipeline's routes (counties, jobs, permits). */
// PostgreSQL has no year 0; the pattern says so beside the `date` format.
export const isoDate = z.iso
  .date('expected a date as yyyy-MM-dd')
  .refine((date) => !date.startsWith('0000-'), 'there is no year 0000')
  .openapi({ pattern: '^(?!0000-)\\d{4}-\\d{2}-\\d{2}$' });

export const pageQuery = {
  limit: integerParameter({ min: 1, max: 1000 }).default(100),
  cursor: cursorParameter,
  offset: integerParameter({ min: 0, max: Number.MAX_SAFE_INTEGER })
    .default(0)
    .openapi({ description: 'Rows to skip (kept for compatibility): slow at depth, every skipped row is read. Prefer cursor.' }),
};

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : (value as string | null) ?? null);

export const jobSchema = z
  .object({
    id: z.number(),
    county_id: z.number(),
    job_type: z.enum(['initial_pull', 'incremental_pull']),
    status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']),
    parameters: z.record(z.string(), z.unknown()),
    workflow_id: z.string().nullable(),
    current_year: z.number().nullable(),
    current_batch: z.number(),
    years_total: z.number(),
    years_completed: z.number(),
    permits_pulled: z.number(),
    permits_saved: z.number(),
    properties_created: z.number(),
    properties_updated: z.number(),
    leads_created: z.number(),
    permits_per_second: z.number().nullable(),
    progress_percent: z.number(),
    estimated_completion_at: z.string().nullable(),
    elapsed_seconds: z.number(),
    error_message: z.string().nullable(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('PermitPullJob');

export function jobView(row: Record<string, any>): z.infer<typeof jobSchema> {
  return {
    id: row.id,
    county_id: row.county_id,
    job_type: row.job_type,
    status: row.status,
    parameters: row.parameters,
    workflow_id: row.workflow_id,
    current_year: row.current_year,
    current_batch: row.current_batch,
    years_total: row.years_total,
    years_completed: row.years_completed,
    permits_pulled: row.permits_pulled,
    permits_saved: row.permits_saved,
    properties_created: row.properties_created,
    properties_updated: row.properties_updated,
    leads_created: row.leads_created,
    permits_per_second: row.permits_per_second === null ? null : Math.round(row.permits_per_second * 10) / 10,
    progress_percent: Math.round(row.progress_percent * 10) / 10,
    estimated_completion_at: iso(row.estimated_completion_at),
    elapsed_seconds: Math.round(row.elapsed_seconds),
    error_message: row.error_message,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    created_at: iso(row.created_at)!,
  };
}

export { iso };
