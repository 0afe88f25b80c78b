import { ArcGisClient } from '../../clients/arcgis/client';
import { ArcGisError } from '../../clients/arcgis/errors';
import { SocrataClient } from '../../clients/socrata/client';
import { SocrataError } from '../../clients/socrata/errors';
import type { Settings } from '../../config/settings';
import { type FieldMapping, missingColumns } from '../../domain/permits/open-data-record';
import type { OpenDataSourceConfig } from '../../stores/permits/county-store';

/** What the live metadata says of a Socrata dataset or ArcGIS layer and its field mapping. */
export type OpenDataSourceCheck =
  | { connected: true; recordsSeen: number; missingColumns: string[]; sourceModifiedAt: Date | null; mapping: FieldMapping }
  | { connected: false; error: SocrataError | ArcGisError };

type ClientSettings = Pick<Settings, 'OPEN_DATA_TIMEOUT_MS' | 'OPEN_DATA_MAX_RATE_LIMIT_RETRIES' | 'OPEN_DATA_BACKOFF_MS' | 'SOCRATA_REQUESTS_PER_SECOND' | 'ARCGIS_REQUESTS_PER_SECOND'>;

function clientOptions(settings: ClientSettings, requestsPerSecond: number) {
  return { timeoutMs: settings.OPEN_DATA_TIMEOUT_MS, maxRateLimitRetries: settings.OPEN_DATA_MAX_RATE_LIMIT_RETRIES, requestsPerSecond, backoffMs: settings.OPEN_DATA_BACKOFF_MS };
}

/**
 * Reads the source's metadata (Socrata `/api/views/{id}.json`, the ArcGIS layer's `?f=json`), checks every mapped
 * column against it and counts the rows. A platform's refusal (a bad token: ArcGIS 498/499, Socrata 401/403), an
 * unknown dataset or an unreachable host is the check's finding, not an error.
 */
export async function checkOpenDataSource(settings: ClientSettings, source: OpenDataSourceConfig, token: string | null): Promise<OpenDataSourceCheck> {
  const mapping = source.field_mapping;
  try {
    if (source.platform === 'socrata') {
      const client = new SocrataClient({ baseUrl: source.domain, datasetId: source.dataset_id, appToken: token }, clientOptions(settings, settings.SOCRATA_REQUESTS_PER_SECOND));
      const view = await client.view();
      const missing = missingColumns(mapping, view.columns.map((column) => column.fieldName));
      const sourceModifiedAt = view.rowsUpdatedAt === undefined ? null : new Date(view.rowsUpdatedAt * 1000);
      return { connected: true, recordsSeen: await client.count(), missingColumns: missing, sourceModifiedAt, mapping };
    }
    const client = new ArcGisClient({ layerUrl: source.layer_url, token }, clientOptions(settings, settings.ARCGIS_REQUESTS_PER_SECOND));
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
