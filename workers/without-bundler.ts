import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Imported first by the worker process: `@temporalio/worker` requires its workflow bundler (webpack, memfs)
 * at load time although a worker given a prebuilt `workflowBundle` never calls it. Putting a stand-in for
 * that one module in the require cache keeps webpack out of the worker's memory; anything that does try to
 * bundle here fails with a message naming the fix. The stand-in keeps the one value the Worker reads from it.
 */
const localRequire = createRequire(__filename);
const workerLib = path.dirname(localRequire.resolve('@temporalio/worker'));
const bundlerPath = path.join(workerLib, 'workflow', 'bundler.js');

function refuse(): never {
  throw new Error('worker processes load the prebuilt workflow bundle (npm run build:workflows); they do not bundle');
}

if (!localRequire.cache[bundlerPath]) {
  const standIn = new (localRequire('node:module') as { Module: new (id: string) => NodeJS.Module }).Module(bundlerPath);
  standIn.filename = bundlerPath;
  standIn.loaded = true;
  standIn.exports = {
    defaultWorkflowInterceptorModules: [path.join(workerLib, 'workflow-log-interceptor.js')],
    bundleWorkflowCode: refuse,
    WorkflowCodeBundler: refuse,
  };
  localRequire.cache[bundlerPath] = standIn;
}
