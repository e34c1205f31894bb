import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { getLogger } from '../../logging/logger';

const LEVELS: Record<LogLevel, 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

export interface TemporalRuntimeOptions {
  /**
   * `host:port` where the SDK serves its own metrics (worker slots, poll and task latencies,
   * workflow and activity outcomes, `temporal_*`) in the Prometheus format; null serves none.
   * Only processes that run a worker have any to serve (WORKER_METRICS_PORT).
   */
  prometheusBindAddress?: string | null;
}

/**
 * Routes the Temporal SDK's own logs (worker, workflow `log`, activity context) through winston,
 * and exports its metrics when asked. Must run once, before any worker or native connection is
 * created: a later call is ignored.
 */
export function installTemporalRuntime(
  level: 'error' | 'warn' | 'info' | 'debug',
  options: TemporalRuntimeOptions = {},
): void {
  if (installed) return;
  installed = true;
  const sdkLevel: LogLevel =
    level === 'debug' ? 'DEBUG' : level === 'info' ? 'INFO' : level === 'warn' ? 'WARN' : 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry) => {
      getLogger().log(LEVELS[entry.level], entry.message, { ...entry.meta, source: 'temporal-sdk' });
    }),
    // The native core logs to stderr in its own format unless forwarded to the logger above.
    telemetryOptions: {
      logging: { filter: { core: sdkLevel === 'DEBUG' ? 'DEBUG' : 'WARN', other: 'ERROR' }, forward: {} },
      // The SDK's default metric names and units, which Temporal's published SDK dashboards expect.
      ...(options.prometheusBindAddress
        ? { metrics: { prometheus: { bindAddress: options.prometheusBindAddress } } }
        : {}),
    },
  });
}
