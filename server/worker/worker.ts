import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { activityLogContext } from './log-context.interceptor';

export interface WorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string | null;
  shutdownGraceSeconds: number;
  /** Pre-built bundle (tests, benchmarks); bundled from workflows/ when absent. */
  workflowBundle?: WorkflowBundle;
}

/** Bundles the workflow code once (webpack; ~seconds) so several workers can share it. */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  // Through the installed runtime's logger, so webpack's report follows LOG_LEVEL like the rest.
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: Runtime.instance().logger });
}

export interface JunctionWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown() or a fatal error). */
  run(): Promise<void>;
  /** Stops polling, lets in-flight activities finish within the grace time, then closes. */
  shutdown(): Promise<void>;
}

export async function createJunctionWorker(settings: WorkerSettings, activities: Activities): Promise<JunctionWorker> {
  const connection = await NativeConnection.connect({
    address: settings.address,
    ...(settings.apiKey ? { apiKey: settings.apiKey, tls: true } : {}),
  });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    ...(settings.workflowBundle ? { workflowBundle: settings.workflowBundle } : { workflowsPath: require.resolve('../../workflows') }),
    activities,
    interceptors: { activity: [activityLogContext] },
    shutdownGraceTime: `${settings.shutdownGraceSeconds} seconds`,
    shutdownForceTime: `${settings.shutdownGraceSeconds + 10} seconds`,
  });
  let running: Promise<void> | null = null;
  return {
    worker,
    run() {
      running ??= worker.run().finally(() => connection.close());
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
