import path from 'node:path';

/** The workflow bundle's entry point (workflows/index.ts), for workers and bundlers. */
export const WORKFLOWS_PATH = path.resolve(__dirname, '..', 'workflows', 'index.ts');
