import path from 'node:path';

/** The workflow bundle's entry point (workflows/index.ts), for workers and bundlers. */
export const WORKFLOWS_PATH = path.resolve(__dirname, '..', 'workflows', 'index.ts');

/** Where `npm run build:workflows` writes the bundle production workers load (so they never run the bundler). */
export const PREBUILT_WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');
