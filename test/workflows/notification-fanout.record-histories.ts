/**
 * Records the histories that notification-fanout.replay.test.ts replays, from real runs on the
 * time-skipping server with the SMTP connector (outbox in a fresh MariaDB database) and an SMTP
 * sink that refuses `reject-*` addresses. Parent (notificationFanout) and child
 * (notificationBatch) histories are written as the Temporal CLI's JSON to
 * test/histories/notification-fanout/.
 *
 *     npx tsx test/workflows/notification-fanout.record-histories.ts
 *
 * Re-record only for a deliberate change of the workflows that running workflows need not replay
 * (otherwise guard the change with patched() and keep the old histories). Demo data only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfig } from '../../config';
import { createDefaultRegistry } from '../../connectors/registry';
import { configureLogger } from '../../server/logging/logger';
import { installTemporalRuntime } from '../../server/temporal/runtime';
import { bundleWorkflows } from '../../server/worker/worker';
import { batchWorkflowId, notificationWorkflowId, type NotificationFanoutInput } from '../../workflows/notification-fanout/notification-fanout.types';
import { uniqueId } from '../support/order-fixtures';
import { startSmtpSink } from '../support/smtp-sink';
import { createTimeSkippingEnv, stopDevServer } from '../support/temporal-test-servers';
import { createTestDatabase } from '../support/test-database';

const OUT = join(__dirname, '..', 'histories', 'notification-fanout');

function input(eventId: string, count: number, overrides: Partial<NotificationFanoutInput> = {}): NotificationFanoutInput {
  return {
    eventId,
    subject: 'Planned maintenance on {{name}}\u2019s account',
    text: 'Hello {{name}}, the shop is down for maintenance on Sunday.',
    recipients: Array.from({ length: count }, (_, i) => ({ email: `${(i + 1) % 20 === 0 ? 'reject' : 'user'}-${i}@${eventId}.example`, name: `Customer ${i}` })),
    ...overrides,
  };
}

async function main(): Promise<void> {
  configureLogger({ level: 'error', format: 'json' });
  installTemporalRuntime('error');
  const [env, db, smtp, bundle] = await Promise.all([createTimeSkippingEnv(), createTestDatabase('rec_fanout'), startSmtpSink({ rejectRecipients: /^reject-/ }), bundleWorkflows()]);
  const registry = createDefaultRegistry({ config: loadConfig({ DATABASE_URL: db.url, SMTP_URL: smtp.url, LOG_LEVEL: 'error' }, false), models: db.models });
  const taskQueue = uniqueId('record-fanout');
  const newWorker = (options: { maxCachedWorkflows?: number } = {}) =>
    Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ connectors: registry }), ...options });
  mkdirSync(OUT, { recursive: true });

  async function write(file: string, handle: WorkflowHandle): Promise<void> {
    const { status } = await handle.describe();
    writeFileSync(join(OUT, file), `${historyToJSON(await handle.fetchHistory())}\n`);
    console.log(`${file}: ${handle.workflowId} ${status.name}`);
  }
  const start = (fanout: NotificationFanoutInput) =>
    env.client.workflow.start('notificationFanout', { taskQueue, workflowId: notificationWorkflowId(fanout.eventId), args: [fanout] });
  const child = (fanout: NotificationFanoutInput, batch: number) => env.client.workflow.getHandle(batchWorkflowId(notificationWorkflowId(fanout.eventId), batch));

  try {
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const refusals = input('maintenance-2030-01', 120, { batchSize: 40, concurrency: 2, ratePerSecond: 200 });
      refusals.recipients.push({ email: 'USER-0@MAINTENANCE-2030-01.example' });
      const handle = await start(refusals);
      await handle.result();
      await write('completed-with-refusals.json', handle);
      await write('batch-with-refusals.json', child(refusals, 1));

      const misconfigured = input('maintenance-2030-02', 20, { batchSize: 10, connectors: { email: 'email.missing' } });
      const incomplete = await start(misconfigured);
      await incomplete.result();
      await write('incomplete-batches.json', incomplete);
    });

    // A worker stops in the middle of the only batch; another resumes it from its last heartbeat.
    const resumed = input('maintenance-2030-03', 30, { batchSize: 30, ratePerSecond: 10, concurrency: 1 });
    const handle = await start(resumed);
    const stopping = await newWorker({ maxCachedWorkflows: 0 });
    await stopping.runUntil(async () => {
      const sentTo = (domain: string) => smtp.messages.filter((m) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).some((a) => a.text.endsWith(domain))).length;
      while (sentTo(`@${resumed.eventId}.example`) < 10) await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const resuming = await newWorker();
    await resuming.runUntil(async () => {
      await handle.result();
      await write('resumed-after-worker-stop.json', handle);
      await write('batch-resumed-after-worker-stop.json', child(resumed, 1));
    });
  } finally {
    await registry.close();
    await env.teardown();
    await smtp.close();
    await db.destroy();
    await stopDevServer();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
