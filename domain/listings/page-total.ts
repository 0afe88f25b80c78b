/**
 * The total of a list, when its page alone tells it: a page that is not full is the last one, so the
 * total is the rows before it plus its own. A full page, or an empty page past the first, says nothing
 * of the end: null, and the caller counts.
 */
export function totalKnownFromPage(window: { limit: number; offset: number }, rowsOnPage: number): number | null {
  if (rowsOnPage >= window.limit) return null;
  if (rowsOnPage === 0 && window.offset > 0) return null;
  return window.offset + rowsOnPage;
}
