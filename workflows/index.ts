// The workflow bundle's entry point: every workflow type the workers run is exported here.
export { platformSelfTestWorkflow } from './platform/self-test';
