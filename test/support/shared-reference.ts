import { existsSync } from 'node:fs';
import path from 'node:path';

/** `../shared/reference` beside the project root: real API notes and recorded responses. */
export const SHARED_REFERENCE_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference');

/**
 * The path of a recorded fixture, or a skip reason when the shared folder is absent. Fixtures are
 * third-party data: they are read from there, never copied into this repository.
 */
export function sharedFixture(relativePath: string): { path: string; skip: false } | { path: undefined; skip: string } {
  const full = path.join(SHARED_REFERENCE_DIR, 'fixtures', relativePath);
  if (existsSync(full)) return { path: full, skip: false };
  return { path: undefined, skip: `recorded fixture not available: ${full} (../shared/reference is absent)` };
}
