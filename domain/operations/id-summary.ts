/**
 * A long list of ids (85 schedule ids at start-up) as a count per kind, where the kind is the id up
 * to its first `:` (`accela-incremental:county-12` → `accela-incremental`): a log line that fits a
 * terminal and still says what is there.
 */
export function countIdsByKind(ids: readonly string[]): { count: number; kinds: Record<string, number> } {
  const kinds: Record<string, number> = {};
  for (const id of ids) {
    const kind = id.includes(':') ? id.slice(0, id.indexOf(':')) : id;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return { count: ids.length, kinds };
}
