import { type ArcGisLayer, objectIdFieldOf, supportsPagination } from '../../clients/arcgis/schemas';
import { ArcGisError } from '../../clients/arcgis/errors';
import { arcGisClientFor, type OpenDataClientSettings, socrataClientFor } from '../../clients/open-data/connections';
import type { Settings } from '../../config/settings';
import { arcgisWindowWhere, dateColumnFor, socrataPageQuery } from '../../domain/permits/open-data-queries';
import type { PullCursor } from '../../domain/permits/pull-cursor';
import type { RateLimitGate } from '../../platform/shared-rate-limits';
import type { OpenDataPullConfig } from '../../stores/permits/county-store';

/** One page of a Socrata dataset or ArcGIS layer: the records as received, and whether the window has more. */
export interface OpenDataPage {
  records: Array<Record<string, unknown>>;
  hasMore: boolean;
  /** The page size asked for: the cursor's offset moves on by it. */
  pageSize: number;
  /** The source has no column for the cursor's date field: nothing was asked, the pull moves to its next date field. */
  noDateColumn: boolean;
}

type OpenDataSettings = OpenDataClientSettings & Pick<Settings, 'OPEN_DATA_PAGE_LIMIT'>;

/**
 * Reads cursor pages from a county's Socrata dataset or ArcGIS layer. Requests are paced per platform and host on
 * `gate` (shared by every worker process). One reader serves one activity: it remembers the layer's metadata and,
 * on layers without pagination, the window's object ids, so later pages of the same activity do not ask again.
 */
export class OpenDataPageReader {
  private readonly layers = new Map<string, ArcGisLayer>();
  private readonly windowIds = new Map<string, number[]>();

  constructor(private readonly settings: OpenDataSettings, private readonly gate: RateLimitGate) {}

  async readPage(county: OpenDataPullConfig, cursor: PullCursor, beat: () => void): Promise<OpenDataPage> {
    const column = dateColumnFor(county.source.field_mapping, cursor.dateField);
    if (column === null) return { records: [], hasMore: false, pageSize: 0, noDateColumn: true };
    const page = county.source.platform === 'socrata'
      ? await this.socrataPage(county, county.source, column, cursor)
      : await this.arcgisPage(county, county.source, column, cursor, beat);
    beat();
    return { ...page, noDateColumn: false };
  }

  private async socrataPage(county: OpenDataPullConfig, source: Extract<OpenDataPullConfig['source'], { platform: 'socrata' }>, column: string, cursor: PullCursor) {
    const client = socrataClientFor(this.settings, source, county.token, this.gate);
    const pageSize = this.settings.OPEN_DATA_PAGE_LIMIT;
    const records = await client.rows(socrataPageQuery(column, cursor, pageSize));
    return { records, hasMore: records.length === pageSize, pageSize };
  }

  private async arcgisPage(county: OpenDataPullConfig, source: Extract<OpenDataPullConfig['source'], { platform: 'arcgis' }>, column: string, cursor: PullCursor, beat: () => void) {
    const client = arcGisClientFor(this.settings, source, county.token, this.gate);
    let layer = this.layers.get(source.layer_url);
    if (!layer) {
      layer = await client.layer();
      this.layers.set(source.layer_url, layer);
      beat();
    }
    const objectIdField = objectIdFieldOf(layer);
    if (!objectIdField) throw new ArcGisError('invalid_response', null, `layer ${source.layer_url} names no object id field: it cannot be paged`);
    const pageSize = Math.min(this.settings.OPEN_DATA_PAGE_LIMIT, layer.maxRecordCount ?? this.settings.OPEN_DATA_PAGE_LIMIT);
    const where = arcgisWindowWhere(column, cursor, county.timeZone);
    if (supportsPagination(layer)) {
      const page = await client.features({ where, outFields: '*', orderByFields: `${objectIdField} ASC`, resultOffset: cursor.offset, resultRecordCount: pageSize });
      const records = page.features.map((feature) => feature.attributes);
      return { records, hasMore: page.exceededTransferLimit ?? records.length >= pageSize, pageSize };
    }
    // No pagination (servers before 10.3): every id of the window, then the page's ids by `objectIds`.
    const idsKey = `${source.layer_url}\n${where}`;
    let ids = this.windowIds.get(idsKey);
    if (!ids) {
      ids = await client.objectIds(where);
      this.windowIds.set(idsKey, ids);
      beat();
    }
    const chunk = ids.slice(cursor.offset, cursor.offset + pageSize);
    if (chunk.length === 0) return { records: [], hasMore: false, pageSize };
    const page = await client.features({ where: '1=1', outFields: '*', objectIds: chunk });
    return { records: page.features.map((feature) => feature.attributes), hasMore: cursor.offset + pageSize < ids.length, pageSize };
  }
}
