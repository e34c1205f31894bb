import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { LoadedConnectors } from '../../connectors/registry/load-registry';
import { createApp } from '../api/app';
import { startApiServer } from '../api/server';
import type { Models } from '../db/models';
import { getLogger } from '../logging/logger';
import type { RunningRole } from './role';

export async function startApiRole(config: Config, temporal: Client, models: Models, connectors: LoadedConnectors): Promise<RunningRole> {
  const app = createApp({ config, temporal, models, connectors: connectors.registry, connectorDefaults: connectors.defaults });
  const server = await startApiServer(app, config.port);
  getLogger().info('api listening', { url: server.url });
  let stopped: Promise<void> | null = null;
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  return {
    name: 'api',
    done,
    stop(): Promise<void> {
      if (!stopped) stopped = server.close().finally(markDone);
      return stopped;
    },
  };
}
