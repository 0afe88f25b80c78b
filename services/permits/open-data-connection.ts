import { ArcGisError } from '../../clients/arcgis/errors';
import { SocrataError } from '../../clients/socrata/errors';
import { arcGisClientFor, type OpenDataClientSettings, socrataClientFor } from '../../clients/open-data/connections';
import { type FieldMapping, missingColumns } from '../../domain/permits/open-data-record';
import type { OpenDataSourceConfig } from '../../stores/permits/county-store';

/** What the live metadata says of a Socrata dataset or ArcGIS layer and its field mapping. */
export type OpenDataSourceCheck =
  | { connected: true; recordsSeen: number; missingColumns: string[]; sourceModifiedAt: Date | null; mapping: FieldMapping }
  | { connected: false; error: SocrataError | ArcGisError };

/**
 * Reads the source's metadata (Socrata `/api/views/{id}.json`, the ArcGIS layer's `?f=json`), checks every mapped
 * column against it and counts the rows. A platform's refusal (a bad token: ArcGIS 498/499, Socrata 401/403), an
 * unknown dataset or an unreachable host is the check's finding, not an error.
 */
export async function checkOpenDataSource(settings: OpenDataClientSettings, source: OpenDataSourceConfig, token: string | null): Promise<OpenDataSourceCheck> {
  const mapping = source.field_mapping;
  try {
    if (source.platform === 'socrata') {
      const client = socrataClientFor(settings, source, token);
      const view = await client.view();
      const missing = missingColumns(mapping, view.columns.map((column) => column.fieldName));
      const sourceModifiedAt = view.rowsUpdatedAt === undefined ? null : new Date(view.rowsUpdatedAt * 1000);
      return { connected: true, recordsSeen: await client.count(), missingColumns: missing, sourceModifiedAt, mapping };
    }
    const client = arcGisClientFor(settings, source, token);
    const layer = await client.layer();
    const missing = missingColumns(mapping, (layer.fields ?? []).map((field) => field.name));
    const lastEdit = layer.editingInfo?.lastEditDate;
    return { connected: true, recordsSeen: await client.count('1=1'), missingColumns: missing, sourceModifiedAt: lastEdit == null ? null : new Date(lastEdit), mapping };
  } catch (error) {
    if (error instanceof SocrataError || error instanceof ArcGisError) return { connected: false, error };
    throw error;
  }
}

/** `socrata`'s code (`query.soql.no-such-column`, `http_403`), ArcGIS's numeric code (`498`), or the kind of failure without one. */
export function platformErrorCode(error: SocrataError | ArcGisError): string {
  if (error instanceof SocrataError) return error.httpStatus === null ? error.kind : error.code;
  return error.code === null ? error.kind : String(error.code);
}

/** Whether the platform refused our token (or wanted one): the county's token must be fixed. */
export function credentialsRefused(error: SocrataError | ArcGisError): boolean {
  return error instanceof SocrataError ? error.kind === 'forbidden' : error.kind === 'token_invalid' || error.kind === 'token_required' || error.kind === 'forbidden';
}

/** The mapping fields whose columns are missing, as `field (column)`, for a message an operator acts on. */
export function describeMissingColumns(mapping: FieldMapping, missing: readonly string[]): string {
  const fieldsOf = (column: string) => Object.entries(mapping).filter(([, value]) => value === column).map(([field]) => field);
  return missing.map((column) => `${column} (${fieldsOf(column).join(', ')})`).join(', ');
}
