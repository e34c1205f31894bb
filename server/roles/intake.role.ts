import type { Config } from '../../config';
import type { Models } from '../db/models';
import { startInboxSweeper } from '../intake/inbox-sweeper';
import { createInboxRepository } from '../intake/inbox-repository';
import { startIntakeConsumer } from '../intake/intake-consumer';
import { startIntakeMetricsServer, type IntakeMetricsServer } from '../intake/intake-metrics-server';
import { createIntakeProducer } from '../intake/intake-queue';
import { getLogger } from '../../logging/logger';
import { connectTemporalClient } from '../temporal/connection';
import type { RunningRole } from './role';

/**
 * The intake role: delivers accepted webhook events from the inbox to Temporal (the BullMQ
 * consumer) and re-enqueues events whose jobs were lost (the sweeper). Runs beside the API in
 * `all`, or alone and scaled out (`server/main.ts intake`): each row has one job at a time and
 * every status change is conditional, so replicas never deliver an event twice on purpose.
 */
export async function startIntakeRole(config: Config, models: Models): Promise<RunningRole> {
  const settings = config.intake;
  // Its own connection, so deliveries waiting out an outage do not queue behind the API's calls.
  const temporal = await connectTemporalClient(config);
  const inbox = createInboxRepository(models.InboxEvent);
  const producer = createIntakeProducer({ redisUrl: config.redisUrl, maxAttempts: settings.maxAttempts });
  const consumer = startIntakeConsumer({
    redisUrl: config.redisUrl,
    client: temporal.client,
    taskQueue: config.temporal.taskQueue,
    inbox,
    maxAttempts: settings.maxAttempts,
    backoff: { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs },
    concurrency: settings.concurrency,
  });
  const sweeper = startInboxSweeper({ inbox, producer, sweepAfterSeconds: settings.sweepAfterSeconds });
  let metrics: IntakeMetricsServer | null = null;
  try {
    if (settings.metricsAddress) metrics = await startIntakeMetricsServer(settings.metricsAddress, { inbox, producer });
  } catch (error) {
    await Promise.allSettled([sweeper.close(), consumer.close()]);
    await Promise.allSettled([producer.close(), temporal.close()]);
    throw error;
  }
  getLogger().info('intake consuming', {
    taskQueue: config.temporal.taskQueue,
    concurrency: settings.concurrency,
    maxAttempts: settings.maxAttempts,
    ...(metrics ? { metrics: metrics.address } : {}),
  });

  let stopped: Promise<void> | null = null;
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  return {
    name: 'intake',
    done,
    stop(): Promise<void> {
      // Deliveries in progress finish (the worker waits for them); what is left stays pending in the inbox.
      stopped ??= Promise.allSettled([sweeper.close(), consumer.close(), metrics?.close()])
        .then(() => Promise.allSettled([producer.close(), temporal.close()]))
        .then(() => undefined)
        .finally(markDone);
      return stopped;
    },
  };
}
