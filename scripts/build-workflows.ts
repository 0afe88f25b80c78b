import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from '../platform/workflows-path';

/**
 * `npm run build:workflows`: bundles workflows/index.ts once into dist/workflow-bundle.js, which the worker
 * processes load, so webpack and the TypeScript sources never enter a worker's memory. scripts/bootstrap.sh
 * runs it when the bundle is missing or older than a source file. Written to a temporary file and renamed,
 * so a worker never reads half a bundle.
 */
async function main() {
  const output = process.argv[2] ? path.resolve(process.argv[2]) : PREBUILT_WORKFLOW_BUNDLE_PATH;
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  await mkdir(path.dirname(output), { recursive: true });
  const partial = `${output}.${process.pid}.partial`;
  await writeFile(partial, code);
  await rename(partial, output);
  console.log(`workflow bundle written to ${path.relative(process.cwd(), output)} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
