export const leadTiers = ['HOT', 'WARM', 'COOL', 'COLD'] as const;
export type LeadTier = (typeof leadTiers)[number];

/** The tag naming a lead's tier, e.g. `tier-hot`; HighLevel stores tags lower case, so they are built lower case. */
export function tierTag(tier: LeadTier): string {
  return `tier-${tier.toLowerCase()}`;
}

/** The configured default tags plus the tier tag, lower-cased, trimmed and without repeats, in a stable order. */
export function contactTags(defaultTags: readonly string[], tier: LeadTier): string[] {
  const tags = [...defaultTags, tierTag(tier)].map((tag) => tag.trim().toLowerCase()).filter((tag) => tag.length > 0);
  return [...new Set(tags)];
}
