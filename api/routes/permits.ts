import { createRoute, z } from '@hono/zod-openapi';
import { LEAD_EXPORT_COLUMNS } from '../../domain/exports/export-columns';
import { createLeadsFromPermits, exportLeads, listLeads, setLeadNotes } from '../../services/permits/leads';
import { exportContent, exportResponse } from '../export-stream';
import { getPermit, getProperty, listPermits, listProperties } from '../../services/permits/permits';
import { errorResponses, jsonContent, listResponse, ok, okList, successResponse } from '../envelope';
import { PERMIT_CLASSES_MAPPED, PERMIT_TYPES_MAPPED, STATUSES_MAPPED, WORK_CLASSES_MAPPED } from '../../domain/permits/blds';
import { TRADES } from '../../domain/permits/trades';
import { bodyId, idParameter, idPath, verbatimText } from '../input-schemas';
import { iso, isoDate, pageQuery } from './permits-shared';
import { createRouter, type Router } from '../router';

const tier = z.enum(['HOT', 'WARM', 'COOL', 'COLD']);
const countyFilter = idParameter().optional();

const permitListQuery = z
  .object({
    county_id: countyFilter,
    date_from: isoDate.optional().openapi({ description: 'Opened on or after this day; not after date_to' }),
    date_to: isoDate.optional().openapi({ description: 'Opened on or before this day; not before date_from' }),
    trade: z.enum(TRADES).optional().openapi({ description: 'Only permits tagged with this trade (domain/permits/trades.ts); hvac permits are the lead source' }),
    ...pageQuery,
  })
  .refine((q) => !q.date_from || !q.date_to || q.date_from <= q.date_to, { message: 'date_from must not be after date_to', path: ['date_from'] });
const propertyListQuery = z.object({ county_id: countyFilter, tier: tier.optional(), ...pageQuery });
/** The lead list's filters; the export takes the same ones. */
const leadFilterQuery = z.object({
  county_id: countyFilter, tier: tier.optional(), sync_status: z.enum(['pending', 'synced', 'failed', 'skipped']).optional(),
});
const leadListQuery = leadFilterQuery.extend(pageQuery);

const permitSchema = z
  .object({
    id: z.number(), county_id: z.number(), record_id: z.string(), custom_id: z.string().nullable(), type_path: z.string().nullable(),
    is_hvac: z.boolean(), status: z.string().nullable(), opened_date: z.string().nullable(), updated_date: z.string().nullable(),
    description: z.string().nullable(), address: z.string().nullable(), city: z.string().nullable(), state: z.string().nullable(),
    postal_code: z.string().nullable(), owner_name: z.string().nullable(), parcel_number: z.string().nullable(),
    land_value: z.number().nullable(), improved_value: z.number().nullable(), enriched: z.boolean(), property_id: z.number().nullable(),
    permit_number: z.string().nullable(), permit_type: z.string().nullable(), permit_type_mapped: z.enum(PERMIT_TYPES_MAPPED).nullable(),
    status_current_mapped: z.enum(STATUSES_MAPPED).nullable(), work_class_mapped: z.enum(WORK_CLASSES_MAPPED).nullable(),
    permit_class_mapped: z.enum(PERMIT_CLASSES_MAPPED).nullable(), applied_date: z.string().nullable(), issued_date: z.string().nullable(),
    completed_date: z.string().nullable(), valuation: z.number().nullable(), contractor: z.string().nullable(), trades: z.array(z.enum(TRADES)),
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
const createFromPermits = z.strictObject({ permit_ids: z.array(bodyId()).min(1).max(1000) }).openapi('CreateLeadsFromPermits');
const createdLeads = z
  .object({ leads: z.array(leadSchema), not_qualifying_permit_ids: z.array(z.number()), leads_created: z.number() })
  .openapi('LeadsFromPermits');
const notesBody = z.strictObject({ notes: verbatimText({ max: 10_000 }) }).openapi('LeadNotes');

const leadView = (row: Record<string, any>) => ({ ...row, synced_at: iso(row.synced_at), created_at: iso(row.created_at)!, updated_at: iso(row.updated_at)! }) as z.infer<typeof leadSchema>;

const tags = ['Permits: data'];

const routes = {
  permits: createRoute({ method: 'get', path: '/api/permits', tags, summary: 'Permits, newest opened first', request: { query: permitListQuery }, responses: { 200: listResponse('Permits', permitSchema), ...errorResponses(400, 401) } }),
  permit: createRoute({ method: 'get', path: '/api/permits/{id}', tags, summary: 'One permit with the record as received', request: { params: idPath }, responses: { 200: successResponse('Permit', permitDetailSchema), ...errorResponses(400, 401, 404) } }),
  properties: createRoute({ method: 'get', path: '/api/properties', tags, summary: 'Properties, best lead score first', request: { query: propertyListQuery }, responses: { 200: listResponse('Properties', propertySchema), ...errorResponses(400, 401) } }),
  property: createRoute({ method: 'get', path: '/api/properties/{id}', tags, summary: 'One property', request: { params: idPath }, responses: { 200: successResponse('Property', propertySchema), ...errorResponses(400, 401, 404) } }),
  leads: createRoute({ method: 'get', path: '/api/leads', tags, summary: 'Leads, best score first', request: { query: leadListQuery }, responses: { 200: listResponse('Leads', leadSchema), ...errorResponses(400, 401) } }),
  leadsExport: createRoute({
    method: 'get', path: '/api/leads/export', tags,
    summary: 'Every lead matching the list filters, best score first, streamed as CSV, or JSON lines with Accept: application/x-ndjson',
    description: `Columns: ${LEAD_EXPORT_COLUMNS.map((column) => column.name).join(', ')}. CSV cells of source text starting with = + - @ tab or CR get a leading apostrophe.`,
    request: { query: leadFilterQuery },
    responses: { 200: exportContent('Leads, one per line after the CSV header'), ...errorResponses(400, 401) },
  }),
  createFromPermits: createRoute({ method: 'post', path: '/api/leads/create-from-permits', tags, summary: 'Re-aggregate the properties of these permits and create their leads where they qualify', request: { body: { required: true, ...jsonContent(createFromPermits) } }, responses: { 200: successResponse('Leads', createdLeads), ...errorResponses(400, 401, 404) } }),
  notes: createRoute({ method: 'put', path: '/api/leads/{id}/notes', tags, summary: 'Replace a lead’s notes', request: { params: idPath, body: { required: true, ...jsonContent(notesBody) } }, responses: { 200: successResponse('Lead', leadSchema), ...errorResponses(400, 401, 404) } }),
};

/** The permits routes, as a sub-app joined into the API by `api/app.ts`. */
export function permitDataRoutes(): Router {
  const app = createRouter();
  app.openapi(routes.permits, async (c) => {
    const q = c.req.valid('query');
    const page = await listPermits(c.get('deps').db, { countyId: q.county_id, dateFrom: q.date_from, dateTo: q.date_to, trade: q.trade }, q);
    return okList(c, page.rows as z.infer<typeof permitSchema>[], page);
  });

  app.openapi(routes.permit, async (c) => ok(c, (await getPermit(c.get('deps').db, c.req.valid('param').id)) as z.infer<typeof permitDetailSchema>));

  app.openapi(routes.properties, async (c) => {
    const q = c.req.valid('query');
    const page = await listProperties(c.get('deps').db, { countyId: q.county_id, tier: q.tier }, q);
    return okList(c, page.rows as z.infer<typeof propertySchema>[], page);
  });

  app.openapi(routes.property, async (c) => ok(c, (await getProperty(c.get('deps').db, c.req.valid('param').id)) as z.infer<typeof propertySchema>));

  app.openapi(routes.leads, async (c) => {
    const q = c.req.valid('query');
    const page = await listLeads(c.get('deps').db, { countyId: q.county_id, tier: q.tier, syncStatus: q.sync_status }, q);
    return okList(c, page.rows.map(leadView), page);
  });

  app.openapi(routes.leadsExport, async (c) => {
    const q = c.req.valid('query');
    const rows = await exportLeads(c.get('deps').db, { countyId: q.county_id, tier: q.tier, syncStatus: q.sync_status });
    return exportResponse(c, rows, LEAD_EXPORT_COLUMNS, 'leads');
  });

  app.openapi(routes.createFromPermits, async (c) => {
    const created = await createLeadsFromPermits(c.get('deps').db, c.req.valid('json').permit_ids);
    return ok(c, { leads: created.leads.map(leadView), not_qualifying_permit_ids: created.notQualifyingPermitIds, leads_created: created.leadsCreated });
  });

  app.openapi(routes.notes, async (c) => ok(c, leadView(await setLeadNotes(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').notes))));
  return app;
}
