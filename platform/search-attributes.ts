import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes on every Prospector run, so operators can filter in the Web UI.
 * Values are ids and categories only: never personal data (search attributes are not encrypted).
 */
export const SourceAttribute = defineSearchAttributeKey('Source', SearchAttributeType.KEYWORD);
export const PullKindAttribute = defineSearchAttributeKey('PullKind', SearchAttributeType.KEYWORD);
export const CountyIdAttribute = defineSearchAttributeKey('CountyId', SearchAttributeType.KEYWORD);
export const RegionAttribute = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);
export const MakeAttribute = defineSearchAttributeKey('Make', SearchAttributeType.KEYWORD);
export const ModelAttribute = defineSearchAttributeKey('Model', SearchAttributeType.KEYWORD);

export const customSearchAttributes = [
  SourceAttribute,
  PullKindAttribute,
  CountyIdAttribute,
  RegionAttribute,
  MakeAttribute,
  ModelAttribute,
] as const;
