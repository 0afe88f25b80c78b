/** What one page (or a whole pull) changed: the only numbers that cross Temporal. */
export interface PageCounts {
  permitsPulled: number;
  permitsSaved: number;
  propertiesCreated: number;
  propertiesUpdated: number;
  leadsCreated: number;
  rejected: number;
}

export const emptyCounts = (): PageCounts => ({
  permitsPulled: 0, permitsSaved: 0, propertiesCreated: 0, propertiesUpdated: 0, leadsCreated: 0, rejected: 0,
});

export function addCounts(total: PageCounts, page: PageCounts): PageCounts {
  return {
    permitsPulled: total.permitsPulled + page.permitsPulled,
    permitsSaved: total.permitsSaved + page.permitsSaved,
    propertiesCreated: total.propertiesCreated + page.propertiesCreated,
    propertiesUpdated: total.propertiesUpdated + page.propertiesUpdated,
    leadsCreated: total.leadsCreated + page.leadsCreated,
    rejected: total.rejected + page.rejected,
  };
}
