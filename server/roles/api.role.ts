import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { LoadedConnectors } from '../connectors/load-registry';
import { createApp } from '../api/app';
import { closeRateLimitRedis, openRateLimitRedis } from '../api/middleware/rate-limit-store';
import { startApiServer } from '../api/server';
import type { Models } from '../db/models';
import { openEventIntake } from '../intake/event-intake';
import { getLogger } from '../../logging/logger';
import { syncSchedulesFromConfig } from '../schedules/sync-from-config';
import { publishFlowsFromConfig } from '../flows/store/publish-flows-from-config';
import { createProcesses } from '../processes/processes';
import type { RunningRole } from './role';

export async function startApiRole(
  config: Config,
  temporal: Client,
  models: Models,
  connectors: LoadedConnectors,
): Promise<RunningRole> {
  // Flows first: config/flows/ is published before schedules and event sources, which may name them.
  const processes = createProcesses({ models, registry: connectors.registry });
  const flowFiles = await publishFlowsFromConfig(processes.flows);
  if (flowFiles.published.length > 0) getLogger().info('flows published from config', flowFiles);
  // Schedules and event sources declared in files resolve their processes once, at start-up.
  const catalog = await processes.resolver.list();
  // This role owns schedules: config/schedules.yaml is applied before the API answers (sync-from-config.ts).
  await syncSchedulesFromConfig({ config, client: temporal, connectorDefaults: connectors.defaults, catalog });
  // event-sources.yaml resolves `${VAR}` secrets from the environment of this process, as connectors.yaml does.
  const intake = await openEventIntake({
    config,
    models,
    connectors: connectors.registry,
    connectorDefaults: connectors.defaults,
    env: process.env,
    catalog,
  });
  const rateLimitRedis = openRateLimitRedis(config.redisUrl);
  const app = createApp({
    config,
    temporal,
    models,
    connectors: connectors.registry,
    connectorDefaults: connectors.defaults,
    processes,
    rateLimitStore: { redis: rateLimitRedis },
    intake,
  });
  const server = await startApiServer(app, config.port).catch(async (error: unknown) => {
    await closeRateLimitRedis(rateLimitRedis);
    await intake.close();
    throw error;
  });
  getLogger().info('api listening', { url: server.url });
  let stopped: Promise<void> | null = null;
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  return {
    name: 'api',
    done,
    stop(): Promise<void> {
      // In-flight requests finish within the grace time; the rate limit store closes after them.
      if (!stopped)
        stopped = server
          .close(config.shutdownGraceSeconds * 1000)
          .finally(() => closeRateLimitRedis(rateLimitRedis))
          .finally(() => intake.close())
          .finally(markDone);
      return stopped;
    },
  };
}
