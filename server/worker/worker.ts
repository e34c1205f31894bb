import type { PayloadCodec } from '@temporalio/common';
import {
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
  type Logger,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { Activities } from '../../activities';
import { ENCODED_FAILURE_CONVERTER_PATH, temporalDataConverter } from '../temporal/data-converter';
import { activityLogContext } from './log-context.interceptor';

export interface WorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string | null;
  shutdownGraceSeconds: number;
  /** TEMPORAL_PAYLOAD_ENCRYPTION=on: the codec payloads go through (server/temporal/payload-codec.ts); absent, none. */
  payloadCodec?: PayloadCodec | null;
  /**
   * Pre-built bundle (tests, benchmarks); bundled from workflows/ when absent. With a payloadCodec
   * it must come from bundleWorkflows({ encodeFailures: true }), or the worker refuses to start.
   */
  workflowBundle?: WorkflowBundle;
}

export interface WorkflowBundleOptions {
  /** Default: the processes of workflows/. */
  workflowsPath?: string;
  /**
   * For a worker with payload encryption: workflow code converts its own failures inside the
   * sandbox, so their messages and stack traces are encoded (and then encrypted) only if the
   * bundle carries the encoding failure converter.
   */
  encodeFailures?: boolean;
}

/** Bundles that carry the encoding failure converter, the only ones an encrypting worker runs. */
const failureEncodingBundles = new WeakSet<WorkflowBundle>();

/** Bundles the workflow code once (webpack; ~seconds) so several workers can share it. */
export async function bundleWorkflows({
  workflowsPath = require.resolve('../../workflows'),
  encodeFailures = false,
}: WorkflowBundleOptions = {}): Promise<WorkflowBundle> {
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    logger: bundlerLogger(),
    ...(encodeFailures ? { failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH } : {}),
  });
  if (encodeFailures) failureEncodingBundles.add(bundle);
  return bundle;
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

/** The activities are Junction's (createActivities); test fixtures pass their own. */
export async function createJunctionWorker<A extends object = Activities>(
  settings: WorkerSettings,
  activities: A,
): Promise<JunctionWorker> {
  const codec = settings.payloadCodec ?? null;
  if (codec && settings.workflowBundle && !failureEncodingBundles.has(settings.workflowBundle)) {
    throw new Error(
      'An encrypting worker needs a workflow bundle from bundleWorkflows({ encodeFailures: true }): with any other, workflow failure messages would reach the history in clear.',
    );
  }
  const workflowBundle = settings.workflowBundle ?? (await bundleWorkflows({ encodeFailures: codec !== null }));
  const connection = await NativeConnection.connect({
    address: settings.address,
    ...(settings.apiKey ? { apiKey: settings.apiKey, tls: true } : {}),
  });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowBundle,
    activities,
    dataConverter: temporalDataConverter(codec),
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
