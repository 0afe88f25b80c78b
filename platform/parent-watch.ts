/**
 * For child processes started with an IPC channel (workers, simulators): when the parent goes away,
 * however it died, the channel closes and this process shuts itself down instead of lingering.
 */
export function exitWithParent(shutdown: () => void): void {
  if (!process.connected) return;
  process.once('disconnect', shutdown);
}
