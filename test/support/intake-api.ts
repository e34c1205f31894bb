import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { ConnectorRegistry } from '../../connectors/registry';
import { createApp } from '../../server/api/app';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import type { Models } from '../../server/db/models';
import type { EventIntake } from '../../server/intake/event-intake';
import { startIntakeConsumer, type IntakeConsumer } from '../../server/intake/intake-consumer';
import type { Processes } from '../../server/processes/processes';

/** What an intake test stack brings: an API stack's parts (test/support/api-stack.ts, flow-stack.support.ts). */
export interface IntakeApiParts {
  config: Config;
  temporal: Client;
  db: { models: Models };
  registry: ConnectorRegistry;
  processes?: Processes;
}

/**
 * The API with webhook intake mounted, and one intake consumer on `queueName` (fast retries, two at
 * once), as the `api` and `intake` roles run them.
 */
export async function startIntakeApi(
  parts: IntakeApiParts,
  intake: EventIntake,
  options: { redisUrl: string; queueName: string },
): Promise<{ api: RunningApiServer; consumer: IntakeConsumer }> {
  const api = await startApiServer(
    createApp({
      config: parts.config,
      temporal: parts.temporal,
      models: parts.db.models,
      connectors: parts.registry,
      ...(parts.processes ? { processes: parts.processes } : {}),
      intake,
    }),
    0,
  );
  const consumer = startIntakeConsumer({
    redisUrl: options.redisUrl,
    client: parts.temporal,
    taskQueue: parts.config.temporal.taskQueue,
    inbox: intake.inbox,
    maxAttempts: parts.config.intake.maxAttempts,
    backoff: { baseMs: 200, maxMs: 2_000 },
    concurrency: 2,
    queueName: options.queueName,
  });
  return { api, consumer };
}
