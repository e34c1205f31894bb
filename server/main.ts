/**
 * The one entry point: `tsx server/main.ts [api|worker|intake|all]` (default all).
 * Each role scales out on its own; `npm start` runs `all` beside a local Temporal dev server.
 */
import { ConfigError, loadConfig } from '../config';
import { ConnectorsFileError } from '../connectors/registry/connectors-file';
import { loadConnectors } from './connectors/load-registry';
import { PluginLoadError } from '../connectors/registry/plugins';
import { openDatabase } from './db/database';
import { migrateUp } from './db/migrate';
import { withLogContext } from '../logging/log-context';
import { configureLogger, getLogger } from '../logging/logger';
import { installProcessFailureHandlers } from './process-failure-handlers';
import { startApiRole } from './roles/api.role';
import { startIntakeRole } from './roles/intake.role';
import { parseRole, type RunningRole } from './roles/role';
import { startWorkerRole } from './roles/worker.role';
import { connectTemporalClient, temporalAddress } from './temporal/connection';
import { installTemporalRuntime } from './temporal/runtime';

async function main(): Promise<void> {
  const role = parseRole(process.argv[2]);
  const config = loadConfig();
  const logger = configureLogger(config.log);
  // Until the roles run, a failure has nothing to shut down but still exits non-zero.
  let stopAfterFailure = (_reason: string): Promise<void> => Promise.resolve();
  installProcessFailureHandlers({
    logger,
    shutdown: (reason) => stopAfterFailure(reason),
    // The worker's own force time is the grace time + 10 s; then Temporal and the database close.
    shutdownTimeoutMs: (config.shutdownGraceSeconds + 15) * 1000,
  });
  // Only a process that runs a worker has SDK metrics to serve (an api process would just hold the port).
  // Nor does any other process need the native runtime, which would keep an api or intake process alive after a graceful stop.
  if (role === 'worker' || role === 'all')
    installTemporalRuntime(config.log.level, { prometheusBindAddress: config.workerMetricsAddress });

  const db = openDatabase(config.databaseUrl);
  await db.sequelize.authenticate();
  const applied = await migrateUp(db.sequelize);
  if (applied.length) logger.info('migrations applied', { applied });

  const temporal = await connectTemporalClient(config);
  // connectors.yaml resolves `${VAR}` credential references from the environment of this process.
  const connectors = await loadConnectors({ config, models: db.models, env: process.env });
  const roles: RunningRole[] = [];
  const stopAll = async (): Promise<void> => {
    // API first so nothing new starts, then the worker, which finishes in-flight activities.
    const stopOrder = ['api', 'intake', 'worker'];
    for (const running of [...roles].sort((a, b) => stopOrder.indexOf(a.name) - stopOrder.indexOf(b.name))) {
      await running
        .stop()
        .catch((error: unknown) => logger.error('role failed to stop', { role: running.name, error }));
    }
    await connectors.close();
    await temporal.close();
    await db.close();
  };

  let shuttingDown = false;
  let stopped: Promise<void> = Promise.resolve();
  const shutdown = (reason: string, exitCode: number): Promise<void> => {
    if (shuttingDown) return stopped;
    shuttingDown = true;
    logger.info('shutting down', { reason });
    stopped = stopAll().then(() => {
      logger.info('stopped');
      process.exitCode = exitCode;
    });
    return stopped;
  };
  stopAfterFailure = (reason) => shutdown(reason, 1);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (shuttingDown) {
        logger.warn('second signal: exiting without waiting', { signal });
        process.exit(130);
      }
      void shutdown(signal, 0);
    });
  }

  try {
    if (role === 'worker' || role === 'all') roles.push(await startWorkerRole(config, connectors.registry, db.models));
    if (role === 'api' || role === 'all')
      roles.push(await startApiRole(config, temporal.client, db.models, connectors));
    if (role === 'intake' || role === 'all') roles.push(await startIntakeRole(config, db.models));
  } catch (error) {
    await stopAll();
    throw error;
  }
  logger.info('junction running', {
    role,
    temporal: temporalAddress(config),
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
  });
  for (const running of roles) {
    void running.done.then(
      () => void shutdown(`${running.name} stopped`, shuttingDown ? 0 : 1),
      (error: unknown) => {
        logger.error('role failed', { role: running.name, error });
        void shutdown(`${running.name} failed`, 1);
      },
    );
  }
}

withLogContext({ role: process.argv[2] ?? 'all' }, main).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ConnectorsFileError || error instanceof PluginLoadError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  getLogger().error('start-up failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
