import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { loadApprovalPolicies } from '../../server/approvals/approval-policies-file';
import { startSandboxConnectors, type SandboxConnectors } from './sandbox-connectors';
import { createTimeSkippingEnv } from './temporal-test-servers';
import { sharedWorkflowBundle } from './workflow-bundle';

export interface HarnessWorkerOptions {
  /** Gives the activities the database too (customerSync keeps its cursor there). */
  models?: ActivityDeps['models'];
  maxCachedWorkflows?: number;
}

/** A time-skipping Temporal server, the production workflows, and the sandbox connectors their activities use. */
export interface WorkflowHarness extends SandboxConnectors {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundle;
  /** A worker on `taskQueue` with the real activities on the harness's connectors. */
  newWorker(taskQueue: string, options?: HarnessWorkerOptions): Promise<Worker>;
  /** Tears the server down, then closes the connectors. */
  close(): Promise<void>;
}

export async function startWorkflowHarness(
  databaseName: string,
  smtpOptions?: Parameters<typeof startSandboxConnectors>[1],
): Promise<WorkflowHarness> {
  const [env, connectors, bundle, approvalPolicies] = await Promise.all([
    createTimeSkippingEnv(),
    startSandboxConnectors(databaseName, smtpOptions),
    sharedWorkflowBundle(),
    loadApprovalPolicies(null), // the shipped config/approval-policies.yaml
  ]);
  return {
    ...connectors,
    env,
    bundle,
    newWorker: (taskQueue, { models, maxCachedWorkflows } = {}) =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        activities: createActivities({ connectors: connectors.registry, models, approvalPolicies }),
        maxCachedWorkflows,
      }),
    async close() {
      await env.teardown();
      await connectors.close();
    },
  };
}

/**
 * Waits for `result` to settle and hands it back to be asserted on later: a test reads a run's
 * outcome after querying it, which on the time-skipping server needs the worker still running.
 */
export async function settle<T>(result: Promise<T>): Promise<{ outcome: Promise<T> }> {
  await result.catch(() => undefined); // also marks a rejection as observed until the test awaits it
  return { outcome: result };
}
