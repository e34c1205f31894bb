import { bundleWorkflowCode, type BundleOptions, type WorkflowBundle } from '@temporalio/worker';
import { bundleWorkflows, bundlerLogger } from '../../server/worker/worker';

let production: Promise<WorkflowBundle> | undefined;

/**
 * The production workflow bundle, built once per mocha process: webpack takes seconds, and every
 * suite that runs or replays our workflows bundles the same code. A bundle is plain code, so
 * workers and replays can share it.
 */
export function sharedWorkflowBundle(): Promise<WorkflowBundle> {
  production ??= bundleWorkflows();
  return production;
}

/** Bundles a deliberately different set of workflows (a test fixture), logging like the production bundle. */
export function bundleTestWorkflows(
  workflowsPath: string,
  webpackConfigHook?: BundleOptions['webpackConfigHook'],
): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: bundlerLogger(), webpackConfigHook });
}
