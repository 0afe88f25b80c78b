import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * Custom search attributes on every Prospector run, so operators can filter in the Web UI.
 * Values are ids and categories only: never personal data (search attributes are not encrypted).
 * Workflow-safe: children and schedules are started with the same builder as the API's runs.
 */
export const SourceAttribute = defineSearchAttributeKey('Source', SearchAttributeType.KEYWORD);
export const PullKindAttribute = defineSearchAttributeKey('PullKind', SearchAttributeType.KEYWORD);
export const CountyIdAttribute = defineSearchAttributeKey('CountyId', SearchAttributeType.KEYWORD);
export const RegionAttribute = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);
export const MakeAttribute = defineSearchAttributeKey('Make', SearchAttributeType.KEYWORD);
export const ModelAttribute = defineSearchAttributeKey('Model', SearchAttributeType.KEYWORD);

export const customSearchAttributes = [SourceAttribute, PullKindAttribute, CountyIdAttribute, RegionAttribute, MakeAttribute, ModelAttribute] as const;

export type Source = 'accela' | 'socrata' | 'arcgis' | 'cepik' | 'autotrader' | 'highlevel' | 'platform';

/** The platforms a county's permits are pulled from (`counties.platform`). */
export type PermitSource = Extract<Source, 'accela' | 'socrata' | 'arcgis'>;

export interface RunAttributes {
  source: Source;
  pullKind?: string;
  countyId?: number;
  region?: string;
  make?: string;
  model?: string;
}

/** The typed search attributes of a run: only the fields given, in one fixed order. */
export function searchAttributes(run: RunAttributes): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [{ key: SourceAttribute, value: run.source }];
  if (run.pullKind !== undefined) pairs.push({ key: PullKindAttribute, value: run.pullKind });
  if (run.countyId !== undefined) pairs.push({ key: CountyIdAttribute, value: String(run.countyId) });
  if (run.region !== undefined) pairs.push({ key: RegionAttribute, value: run.region });
  if (run.make !== undefined) pairs.push({ key: MakeAttribute, value: run.make });
  if (run.model !== undefined) pairs.push({ key: ModelAttribute, value: run.model });
  return pairs;
}
