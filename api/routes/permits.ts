import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { refreshProperties } from '../../activities/permits/property-store';
import { withTransaction } from '../../platform/database';
import type { AppEnv } from '../dependencies';
import { errorResponses, fail, ok, successEnvelope } from '../envelope';
import { idParam, iso, isoDate, pageQuery } from './permits-shared';

const tier = z.enum(['HOT', 'WARM', 'COOL', 'COLD']);
const countyFilter = z.coerce.number().int().positive().optional();

const permitListQuery = z
  .object({ county_id: countyFilter, date_from: isoDate.optional(), date_to: isoDate.optional(), ...pageQuery })
  .refine((q) => !q.date_from || !q.date_to || q.date_from <= q.date_to, { message: 'date_from must not be after date_to', path: ['date_from'] });
const propertyListQuery = z.object({ county_id: countyFilter, tier: tier.optional(), ...pageQuery });
const leadListQuery = z.object({
  county_id: countyFilter, tier: tier.optional(), sync_status: z.enum(['pending', 'synced', 'failed', 'skipped']).optional(), ...pageQuery,
});

const permitSchema = z
  .object({
    id: z.number(), county_id: z.number(), record_id: z.string(), custom_id: z.string().nullable(), type_path: z.string().nullable(),
    is_hvac: z.boolean(), status: z.string().nullable(), opened_date: z.string().nullable(), updated_date: z.string().nullable(),
    description: z.string().nullable(), address: z.string().nullable(), city: z.string().nullable(), state: z.string().nullable(),
    postal_code: z.string().nullable(), owner_name: z.string().nullable(), parcel_number: z.string().nullable(),
    land_value: z.number().nullable(), improved_value: z.number().nullable(), enriched: z.boolean(), property_id: z.number().nullable(),
  })
  .openapi('Permit');
const permitDetailSchema = permitSchema.extend({ raw: z.unknown() }).openapi('PermitDetail');
const propertySchema = z
  .object({
    id: z.number(), county_id: z.number(), address: z.string(), normalized_address: z.string(), city: z.string().nullable(),
    state: z.string().nullable(), postal_code: z.string().nullable(), owner_name: z.string().nullable(), parcel_number: z.string().nullable(),
    land_value: z.number().nullable(), improved_value: z.number().nullable(), latest_hvac_permit_date: z.string().nullable(),
    hvac_age_years: z.number().nullable(), permit_count: z.number(), lead_score: z.number().nullable(), lead_tier: tier.nullable(),
  })
  .openapi('Property');
const leadSchema = z
  .object({
    id: z.number(), county_id: z.number(), property_id: z.number(), score: z.number(), tier, notes: z.string().nullable(),
    owner_name: z.string().nullable(), owner_phone: z.string().nullable(), owner_email: z.string().nullable(), address: z.string().nullable(),
    city: z.string().nullable(), state: z.string().nullable(), postal_code: z.string().nullable(), hvac_age_years: z.number().nullable(),
    sync_status: z.enum(['pending', 'synced', 'failed', 'skipped']), crm_contact_id: z.string().nullable(), synced_at: z.string().nullable(),
    sync_error: z.string().nullable(), created_at: z.string(), updated_at: z.string(),
  })
  .openapi('Lead');
const createFromPermits = z.strictObject({ permit_ids: z.array(z.number().int().positive()).min(1).max(1000) }).openapi('CreateLeadsFromPermits');
const createdLeads = z
  .object({ leads: z.array(leadSchema), not_qualifying_permit_ids: z.array(z.number()), leads_created: z.number() })
  .openapi('LeadsFromPermits');
const notesBody = z.strictObject({ notes: z.string().max(10_000) }).openapi('LeadNotes');

const PERMIT_COLUMNS = `id, county_id, record_id, custom_id, type_path, is_hvac, status, opened_date::text, updated_date::text, description,
  address, city, state, postal_code, owner_name, parcel_number, land_value, improved_value, enriched, property_id`;
const PROPERTY_COLUMNS = `id, county_id, address, normalized_address, city, state, postal_code, owner_name, parcel_number, land_value,
  improved_value, latest_hvac_permit_date::text, hvac_age_years, permit_count, lead_score, lead_tier`;
const leadView = (row: Record<string, any>) => ({ ...row, synced_at: iso(row.synced_at), created_at: iso(row.created_at)!, updated_at: iso(row.updated_at)! }) as z.infer<typeof leadSchema>;

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const data = <T extends z.ZodType>(description: string, schema: T) => ({ description, ...json(successEnvelope(schema)) });
const tags = ['Permits: data'];

const routes = {
  permits: createRoute({ method: 'get', path: '/api/permits', tags, summary: 'Permits, newest opened first', request: { query: permitListQuery }, responses: { 200: data('Permits', z.array(permitSchema)), ...errorResponses(400, 401) } }),
  permit: createRoute({ method: 'get', path: '/api/permits/{id}', tags, summary: 'One permit with the record as received', request: { params: idParam }, responses: { 200: data('Permit', permitDetailSchema), ...errorResponses(400, 401, 404) } }),
  properties: createRoute({ method: 'get', path: '/api/properties', tags, summary: 'Properties, best lead score first', request: { query: propertyListQuery }, responses: { 200: data('Properties', z.array(propertySchema)), ...errorResponses(400, 401) } }),
  property: createRoute({ method: 'get', path: '/api/properties/{id}', tags, summary: 'One property', request: { params: idParam }, responses: { 200: data('Property', propertySchema), ...errorResponses(400, 401, 404) } }),
  leads: createRoute({ method: 'get', path: '/api/leads', tags, summary: 'Leads, best score first', request: { query: leadListQuery }, responses: { 200: data('Leads', z.array(leadSchema)), ...errorResponses(400, 401) } }),
  createFromPermits: createRoute({ method: 'post', path: '/api/leads/create-from-permits', tags, summary: 'Re-aggregate the properties of these permits and create their leads where they qualify', request: { body: { required: true, ...json(createFromPermits) } }, responses: { 200: data('Leads', createdLeads), ...errorResponses(400, 401, 404) } }),
  notes: createRoute({ method: 'put', path: '/api/leads/{id}/notes', tags, summary: 'Replace a lead’s notes', request: { params: idParam, body: { required: true, ...json(notesBody) } }, responses: { 200: data('Lead', leadSchema), ...errorResponses(400, 401, 404) } }),
};

export function registerPermitDataRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.permits, async (c) => {
    const q = c.req.valid('query');
    const { rows } = await c.get('deps').db.query(
      `SELECT ${PERMIT_COLUMNS} FROM permits
        WHERE ($1::bigint IS NULL OR county_id = $1) AND ($2::date IS NULL OR opened_date >= $2) AND ($3::date IS NULL OR opened_date < $3::date + 1)
        ORDER BY opened_date DESC, id DESC LIMIT $4 OFFSET $5`,
      [q.county_id ?? null, q.date_from ?? null, q.date_to ?? null, q.limit, q.offset],
    );
    return ok(c, rows as z.infer<typeof permitSchema>[]);
  });

  app.openapi(routes.permit, async (c) => {
    const { id } = c.req.valid('param');
    const { rows } = await c.get('deps').db.query(`SELECT ${PERMIT_COLUMNS}, raw FROM permits WHERE id = $1`, [id]);
    return rows[0] ? ok(c, rows[0] as z.infer<typeof permitDetailSchema>) : fail(c, 404, 'NOT_FOUND', `permit ${id} does not exist`);
  });

  app.openapi(routes.properties, async (c) => {
    const q = c.req.valid('query');
    const { rows } = await c.get('deps').db.query(
      `SELECT ${PROPERTY_COLUMNS} FROM properties WHERE ($1::bigint IS NULL OR county_id = $1) AND ($2::text IS NULL OR lead_tier = $2)
        ORDER BY lead_score DESC NULLS LAST, id LIMIT $3 OFFSET $4`,
      [q.county_id ?? null, q.tier ?? null, q.limit, q.offset],
    );
    return ok(c, rows as z.infer<typeof propertySchema>[]);
  });

  app.openapi(routes.property, async (c) => {
    const { id } = c.req.valid('param');
    const { rows } = await c.get('deps').db.query(`SELECT ${PROPERTY_COLUMNS} FROM properties WHERE id = $1`, [id]);
    return rows[0] ? ok(c, rows[0] as z.infer<typeof propertySchema>) : fail(c, 404, 'NOT_FOUND', `property ${id} does not exist`);
  });

  app.openapi(routes.leads, async (c) => {
    const q = c.req.valid('query');
    const { rows } = await c.get('deps').db.query(
      `SELECT * FROM leads WHERE ($1::bigint IS NULL OR county_id = $1) AND ($2::text IS NULL OR tier = $2) AND ($3::text IS NULL OR sync_status = $3)
        ORDER BY score DESC, id LIMIT $4 OFFSET $5`,
      [q.county_id ?? null, q.tier ?? null, q.sync_status ?? null, q.limit, q.offset],
    );
    return ok(c, rows.map(leadView));
  });

  app.openapi(routes.createFromPermits, async (c) => {
    const { db } = c.get('deps');
    const ids = [...new Set(c.req.valid('json').permit_ids)];
    const { rows } = await db.query<{ id: number; county_id: number; normalized_address: string | null }>(
      `SELECT id, county_id, normalized_address FROM permits WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    const missing = ids.filter((id) => !rows.some((row) => row.id === id));
    if (missing.length > 0) return fail(c, 404, 'NOT_FOUND', `permits not found: ${missing.join(', ')}`);
    const asOf = new Date().toISOString().slice(0, 10);
    const byCounty = new Map<number, string[]>();
    for (const row of rows) if (row.normalized_address) byCounty.set(row.county_id, [...(byCounty.get(row.county_id) ?? []), row.normalized_address]);
    const created = await withTransaction(db, async (tx) => {
      let leadsCreated = 0;
      for (const [countyId, keys] of byCounty) leadsCreated += (await refreshProperties(tx, countyId, [...new Set(keys)], asOf)).leadsCreated;
      return leadsCreated;
    });
    const leads = await db.query(
      `SELECT DISTINCT l.* FROM leads l JOIN permits p ON p.property_id = l.property_id WHERE p.id = ANY($1::bigint[]) ORDER BY l.id`,
      [ids],
    );
    const qualifying = await db.query<{ id: number }>(
      `SELECT p.id FROM permits p JOIN leads l ON l.property_id = p.property_id WHERE p.id = ANY($1::bigint[])`,
      [ids],
    );
    const qualifyingIds = new Set(qualifying.rows.map((row) => row.id));
    return ok(c, { leads: leads.rows.map(leadView), not_qualifying_permit_ids: ids.filter((id) => !qualifyingIds.has(id)), leads_created: created });
  });

  app.openapi(routes.notes, async (c) => {
    const { id } = c.req.valid('param');
    const { rows } = await c.get('deps').db.query(
      `UPDATE leads SET notes = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, c.req.valid('json').notes],
    );
    return rows[0] ? ok(c, leadView(rows[0])) : fail(c, 404, 'NOT_FOUND', `lead ${id} does not exist`);
  });
}
