import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type Logger, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { activityLogContext } from './log-context.interceptor';

export interface WorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string | null;
  shutdownGraceSeconds: number;
  /** TEMPORAL_PAYLOAD_ENCRYPTION=on: the codec payloads go through (server/temporal/payload-codec.ts); absent, none. */
  payloadCodec?: PayloadCodec | null;
  /** Pre-built bundle (tests, benchmarks); bundled from workflows/ when absent. */
  workflowBundle?: WorkflowBundle;
}

/** Bundles the workflow code once (webpack; ~seconds) so several workers can share it. */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: bundlerLogger() });
}

/** Webpack's module report is build detail: debug level, through the installed runtime's logger. */
export function bundlerLogger(): Logger {
  const sdk = Runtime.instance().logger;
  return {
    log: (level, message, meta) => sdk.log(level === 'INFO' ? 'DEBUG' : level, message, meta),
    trace: (message, meta) => sdk.trace(message, meta),
    debug: (message, meta) => sdk.debug(message, meta),
    info: (message, meta) => sdk.debug(message, meta),
    warn: (message, meta) => sdk.warn(message, meta),
    error: (message, meta) => sdk.error(message, meta),
  };
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
    workflowBundle: settings.workflowBundle ?? (await bundleWorkflows()),
    activities,
    ...(settings.payloadCodec ? { dataConverter: { payloadCodecs: [settings.payloadCodec] } } : {}),
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
